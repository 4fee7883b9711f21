import Foundation
import XCTest
import STGCNTensor
import SkeletonFormats
import SkeletonGraph
import STGCNModel
import STGCNTraining
import STGCNTestSupport

/// Parity with the official PyTorch ST-GCN on `../shared/fixtures/stgcn-ntu-spatial`:
/// a model with random weights, a (2, 3, 40, 25, 2) batch, and everything the official code
/// computed from them. Tolerances are the fixture README's.
final class OfficialParityTests: XCTestCase {
    struct Reference {
        let model: SafetensorsFile
        let io: SafetensorsFile
        func floats(_ name: String) throws -> [Float] { try io.tensor(name).floatValues() }
    }

    func reference() throws -> Reference {
        let folder = try Fixtures.folder("stgcn-ntu-spatial")
        return Reference(model: try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")),
                         io: try SafetensorsFile(contentsOf: folder.appendingPathComponent("io.safetensors")))
    }

    func makeNetwork(_ reference: Reference) throws -> STGCNNetwork {
        let configuration = ModelConfiguration(inputChannels: 3, classCount: 10, layout: .ntuRGBD, strategy: .spatial,
                                               edgeImportanceWeighting: true, dropout: 0)
        let network = try STGCNNetwork(configuration: configuration)
        try network.load(stateDict: reference.model.tensors, source: "model.safetensors")
        return network
    }

    func input(_ reference: Reference) throws -> Tensor {
        let tensor = try reference.io.tensor("input")
        return Tensor(shape: tensor.shape, scalars: try tensor.floatValues())
    }

    func testWalkMatchesOfficialStateDictKeysAndShapes() throws {
        let reference = try reference()
        let network = try makeNetwork(reference)
        let ours = network.stateDict().mapValues(\.shape)
        let theirs = reference.model.tensors.mapValues(\.shape)
        XCTAssertEqual(ours.keys.sorted(), theirs.keys.sorted())
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(network.parameterCount, 3_085_982, "the official model's parameter count")
        // The graph the model builds equals the checkpoint's A buffer.
        let a = try reference.model.tensor("A").floatValues()
        XCTAssertLessThanOrEqual(tensorError(network.graph.adjacency, a).absolute, 1e-6)
    }

    func testEvaluationLogits() throws {
        let reference = try reference()
        let network = try makeNetwork(reference)
        let logits = network.forward(try input(reference), training: false)
        XCTAssertEqual(logits.shape, [2, 10])
        assertLogitsClose(logits.scalars, try reference.floats("logits_eval"), "logits_eval")
    }

    func testTrainingForwardBackwardAndTwoSGDSteps() throws {
        let reference = try reference()
        let network = try makeNetwork(reference)
        let x = try input(reference)
        let labels = try reference.io.tensor("label").int64Values().map { Int($0) }

        let logits = network.forward(x, training: true)
        assertLogitsClose(logits.scalars, try reference.floats("logits_train"), "logits_train")
        let (loss, dLogits) = CrossEntropy.lossAndGradient(logits: logits, labels: labels)
        let expectedLoss = try reference.floats("loss_train")[0]
        XCTAssertEqual(loss, expectedLoss, accuracy: max(1e-5, 1e-4 * abs(expectedLoss)), "loss_train")

        // Running statistics after one training forward (momentum 0.1, unbiased variance).
        var worstStatistic: Float = 0
        for (name, buffer) in network.namedBuffers() where !buffer.isCounter {
            let error = tensorError(buffer.value, try reference.floats("after_forward." + name)).relative
            XCTAssertLessThanOrEqual(error, 1e-4, "after_forward.\(name): relative error \(error)")
            worstStatistic = max(worstStatistic, error)
        }
        print("parity after_forward.*: worst running-statistic error \(worstStatistic) of max |ref|")

        network.zeroGradients()
        network.backward(dLogits)
        try assertAgreement(network.namedParameters().map { ($0.name, $0.parameter.gradient) },
                            prefix: "grad.", reference: reference)
        if let dump = ProcessInfo.processInfo.environment["STGCN_DUMP_GRADIENTS"] {
            var tensors: [String: SafetensorsTensor] = [:]
            for (name, parameter) in network.namedParameters() {
                tensors[name] = SafetensorsTensor(float32: parameter.gradient, shape: parameter.shape)
            }
            try SafetensorsFile.write(tensors, to: URL(fileURLWithPath: dump))
        }

        let optimizer = SGD(parameters: network.namedParameters(), learningRate: 0.1, momentum: 0.9,
                            weightDecay: 1e-4, nesterov: true)
        optimizer.step()
        network.zeroGradients()
        let logits2 = network.forward(x, training: true)
        network.backward(CrossEntropy.lossAndGradient(logits: logits2, labels: labels).gradient)
        optimizer.step()
        try assertAgreement(network.namedParameters().map { ($0.name, $0.parameter.value) },
                            prefix: "after_2_steps.", reference: reference)
    }

    /// The fixture README asks for gradients within 1e-3 of each tensor's largest magnitude, and
    /// that is the bound here: per tensor, 1e-3 at the worst entry and 1e-3 in norm (we reach
    /// ~2e-4 / ~7e-5; the summary line prints it). It is tight for this fixture: ReLU and
    /// BatchNorm over 4 samples × 10 frames make some entries hinge on values within rounding of
    /// zero, so a ReLU mask that flips spreads to the layers below. Measured on the same weights:
    /// the fixture (PyTorch float32) against PyTorch float64 differs by up to 1.4e-2 of max |grad|;
    /// a second PyTorch float32 model (bench/stgcn_torch.py) by up to 2.6e-2; this package with
    /// sequential (single-accumulator) batch-norm sums by 1.6e-2, and with the Winograd temporal
    /// convolution in the training forward by 1.4e-2. Meeting 1e-3 means the forward pass rounds
    /// like PyTorch's float32 closely enough that no ReLU decision differs.
    func assertAgreement(_ tensors: [(String, [Float])], prefix: String, reference: Reference,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        var worst: (name: String, agreement: TensorAgreement)?
        var outliers: (name: String, agreement: TensorAgreement)?
        for (name, values) in tensors {
            let agreement = TensorAgreement(values, try reference.floats(prefix + name))
            XCTAssertLessThanOrEqual(agreement.normRelative, 1e-3, "\(prefix)\(name): \(agreement)", file: file, line: line)
            XCTAssertLessThanOrEqual(agreement.worst, 1e-3, "\(prefix)\(name): \(agreement)", file: file, line: line)
            if agreement.worst > (worst?.agreement.worst ?? -1) { worst = (name, agreement) }
            if agreement.normRelative > (outliers?.agreement.normRelative ?? -1) { outliers = (name, agreement) }
        }
        if let worst, let outliers {
            print("parity \(prefix)*: \(tensors.count) tensors; largest error \(worst.name): \(worst.agreement); largest norm error \(outliers.name): \(outliers.agreement)")
        }
    }
}
