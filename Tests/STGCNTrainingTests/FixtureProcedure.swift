import Foundation
import XCTest
import STGCNTensor
import SkeletonFormats
import STGCNModel
import STGCNTraining
import STGCNTestSupport

/// The procedure that produced `../shared/fixtures/stgcn-ntu-spatial/io.safetensors`, run by
/// this package: the fixture model (ntu-rgb+d, spatial, edge importance, 10 classes, dropout 0)
/// with the fixture's weights on the fixture's (2, 3, 40, 25, 2) batch.
///
/// Its results carry the fixture's key names (`logits_eval`, `grad.<param>`,
/// `after_2_steps.<param>`, …), so any reference — the fixture's PyTorch float32 run or the
/// float64 run in `Resources/float64-reference` — is compared key by key.
struct FixtureProcedure {
    /// The fixture's files.
    struct Inputs {
        let model: SafetensorsFile
        let io: SafetensorsFile

        /// The fixture folder's files, or an `XCTSkip` when `../shared/fixtures` is absent.
        static func load() throws -> Inputs {
            let folder = try Fixtures.folder("stgcn-ntu-spatial")
            return Inputs(model: try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")),
                          io: try SafetensorsFile(contentsOf: folder.appendingPathComponent("io.safetensors")))
        }

        func floats(_ key: String) throws -> [Float] { try io.tensor(key).floatValues() }

        func makeNetwork() throws -> STGCNNetwork {
            let configuration = ModelConfiguration(inputChannels: 3, classCount: 10, layout: .ntuRGBD, strategy: .spatial,
                                                   edgeImportanceWeighting: true, dropout: 0)
            let network = try STGCNNetwork(configuration: configuration)
            try network.load(stateDict: model.tensors, source: "model.safetensors")
            return network
        }

        func input() throws -> Tensor {
            let tensor = try io.tensor("input")
            return Tensor(shape: tensor.shape, scalars: try tensor.floatValues())
        }

        func labels() throws -> [Int] { try io.tensor("label").int64Values().map { Int($0) } }
    }

    /// Results by fixture key, in the groups below.
    private(set) var results: [String: [Float]] = [:]
    /// `(group, keys)` in the order the procedure produced them.
    private(set) var groups: [(group: String, keys: [String])] = []

    /// Runs the whole procedure: eval logits; one training forward (logits, loss, running
    /// statistics); its backward (gradients); two SGD steps (lr 0.1, momentum 0.9, Nesterov,
    /// weight decay 1e-4) on the same batch (parameters after them).
    init(_ inputs: Inputs) throws {
        let network = try inputs.makeNetwork()
        let x = try inputs.input()
        let labels = try inputs.labels()

        record("logits_eval", [("logits_eval", network.forward(x, training: false).scalars)])

        let logits = network.forward(x, training: true)
        record("logits_train", [("logits_train", logits.scalars)])
        let (loss, dLogits) = CrossEntropy.lossAndGradient(logits: logits, labels: labels)
        record("loss_train", [("loss_train", [loss])])
        record("after_forward", network.namedBuffers().filter { !$0.buffer.isCounter }
            .map { ("after_forward." + $0.name, $0.buffer.value) })

        network.zeroGradients()
        network.backward(dLogits)
        record("grad", network.namedParameters().map { ("grad." + $0.name, $0.parameter.gradient) })

        let optimizer = SGD(parameters: network.namedParameters(), learningRate: 0.1, momentum: 0.9,
                            weightDecay: 1e-4, nesterov: true)
        optimizer.step()
        network.zeroGradients()
        let logits2 = network.forward(x, training: true)
        network.backward(CrossEntropy.lossAndGradient(logits: logits2, labels: labels).gradient)
        optimizer.step()
        record("after_2_steps", network.namedParameters().map { ("after_2_steps." + $0.name, $0.parameter.value) })
    }

    private mutating func record(_ group: String, _ entries: [(String, [Float])]) {
        for (key, values) in entries { results[key] = values }
        groups.append((group, entries.map(\.0)))
    }

    /// One result; fails loudly on a key the procedure does not produce.
    func values(_ key: String) -> [Float] {
        guard let values = results[key] else { preconditionFailure("the fixture procedure has no result \(key)") }
        return values
    }

    /// The BLAS in use, for the printed summaries (the parity-kernels script reads it).
    static var blasLine: String { "parity BLAS: \(BLAS.backendDescription)" }
}
