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
/// computed from them. Logits, loss and running statistics at the fixture README's tolerances;
/// gradients and parameters after two steps at bounds that hold under every BLAS kernel (the
/// accuracy bar for those is `Float64ReferenceTests`).
final class OfficialParityTests: XCTestCase {
    /// The bounds on the distance to the fixture, per tensor, for gradients and parameters after
    /// two steps (relative to the tensor's largest magnitude): bounds that hold whatever BLAS
    /// kernel runs. Measured under the seven OpenBLAS kernels of an AVX-512 CPU
    /// (`scripts/parity-kernels`): worst entry 1.2e-4 (Cooperlake) … 1.40e-2 (Prescott), norm
    /// 5.8e-5 … 3.2e-3. They follow from the float64 test too: if this package is within 2× of
    /// PyTorch float32's distance to float64 (1.40e-2 for gradients) and PyTorch is within 1×,
    /// the two float32 runs are within 3 × 1.40e-2 of each other.
    static let fixtureWorstEntryBound: Float = 3e-2
    static let fixtureNormBound: Float = 1e-2

    func testWalkMatchesOfficialStateDictKeysAndShapes() throws {
        let inputs = try FixtureProcedure.Inputs.load()
        let network = try inputs.makeNetwork()
        let ours = network.stateDict().mapValues(\.shape)
        let theirs = inputs.model.tensors.mapValues(\.shape)
        XCTAssertEqual(ours.keys.sorted(), theirs.keys.sorted())
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(network.parameterCount, 3_085_982, "the official model's parameter count")
        // The graph the model builds equals the checkpoint's A buffer.
        let a = try inputs.model.tensor("A").floatValues()
        XCTAssertLessThanOrEqual(tensorError(network.graph.adjacency, a).absolute, 1e-6)
    }

    func testEvaluationLogits() throws {
        let inputs = try FixtureProcedure.Inputs.load()
        let logits = try inputs.makeNetwork().forward(try inputs.input(), training: false)
        XCTAssertEqual(logits.shape, [2, 10])
        assertLogitsClose(logits.scalars, try inputs.floats("logits_eval"), "logits_eval")
    }

    func testTrainingForwardBackwardAndTwoSGDSteps() throws {
        let inputs = try FixtureProcedure.Inputs.load()
        let ours = try FixtureProcedure(inputs)
        print(FixtureProcedure.blasLine)

        assertLogitsClose(ours.values("logits_train"), try inputs.floats("logits_train"), "logits_train")
        let expectedLoss = try inputs.floats("loss_train")[0]
        XCTAssertEqual(ours.values("loss_train")[0], expectedLoss, accuracy: max(1e-5, 1e-4 * abs(expectedLoss)), "loss_train")

        // Running statistics after one training forward (momentum 0.1, unbiased variance).
        var worstStatistic: Float = 0
        for key in ours.groups.first(where: { $0.group == "after_forward" })?.keys ?? [] {
            let error = tensorError(ours.values(key), try inputs.floats(key)).relative
            XCTAssertLessThanOrEqual(error, 1e-4, "\(key): relative error \(error)")
            worstStatistic = max(worstStatistic, error)
        }
        print("parity after_forward.*: worst running-statistic error \(worstStatistic) of max |ref|")

        for (group, keys) in ours.groups where group == "grad" || group == "after_2_steps" {
            try assertAgreement(keys.map { ($0, ours.values($0)) }, group: group, inputs: inputs)
        }
        if let dump = ProcessInfo.processInfo.environment["STGCN_DUMP_GRADIENTS"] {
            var tensors: [String: SafetensorsTensor] = [:]
            for key in ours.groups.first(where: { $0.group == "grad" })?.keys ?? [] {
                tensors[String(key.dropFirst("grad.".count))] = SafetensorsTensor(
                    float32: ours.values(key), shape: try inputs.io.tensor(key).shape)
            }
            try SafetensorsFile.write(tensors, to: URL(fileURLWithPath: dump))
        }
    }

    /// Distance to the fixture (one PyTorch float32 run), per tensor: worst entry and norm
    /// relative to the tensor's largest magnitude, within `fixtureWorstEntryBound` and
    /// `fixtureNormBound`.
    ///
    /// This measures how alike two float32 rounding patterns are, not accuracy (that is
    /// `Float64ReferenceTests`): ReLU and batch norm over 4 samples × 10 frames make some
    /// entries hinge on values within rounding of zero, so a ReLU that decides differently
    /// spreads to the layers below. PyTorch float32 itself is 1.4e-2 from float64 on the
    /// gradients. The bound is set from the per-kernel survey (`scripts/parity-kernels`, README).
    func assertAgreement(_ tensors: [(String, [Float])], group: String, inputs: FixtureProcedure.Inputs,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        var worst: (name: String, agreement: TensorAgreement)?
        var outliers: (name: String, agreement: TensorAgreement)?
        for (name, values) in tensors {
            let agreement = TensorAgreement(values, try inputs.floats(name))
            XCTAssertLessThanOrEqual(agreement.normRelative, Self.fixtureNormBound, "\(name): \(agreement)", file: file, line: line)
            XCTAssertLessThanOrEqual(agreement.worst, Self.fixtureWorstEntryBound, "\(name): \(agreement)", file: file, line: line)
            if agreement.worst > (worst?.agreement.worst ?? -1) { worst = (name, agreement) }
            if agreement.normRelative > (outliers?.agreement.normRelative ?? -1) { outliers = (name, agreement) }
        }
        if let worst, let outliers {
            print("parity \(group).*: \(tensors.count) tensors; largest error \(worst.name): \(worst.agreement); largest norm error \(outliers.name): \(outliers.agreement)")
        }
    }
}
