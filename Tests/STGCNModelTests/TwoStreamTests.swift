import XCTest
import SkeletonFormats
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// The official two-stream model: the motion input, its adjoint, keys, loading and gradients.
final class TwoStreamTests: XCTestCase {
    func testMotionIsTheOfficialCentralDifferenceWithZeroEnds() {
        // (N, C, T, V, M) = (1, 2, 5, 1, 1): channel 0 is t², channel 1 is 3t.
        var x = Tensor(shape: [1, 2, 5, 1, 1])
        for t in 0..<5 { x[0, 0, t, 0, 0] = Float(t * t); x[0, 1, t, 0, 0] = Float(3 * t) }
        let m = TwoStreamNetwork.motion(x)
        // t² − ½(t+1)² − ½(t−1)² = −1 inside; a linear signal has zero motion; both ends are 0.
        XCTAssertEqual((0..<5).map { m[0, 0, $0, 0, 0] }, [0, -1, -1, -1, 0])
        XCTAssertEqual((0..<5).map { m[0, 1, $0, 0, 0] }, [0, 0, 0, 0, 0])
        XCTAssertEqual(TwoStreamNetwork.motion(Tensor(shape: [1, 1, 2, 1, 1], repeating: 1)).scalars, [0, 0])
    }

    func testMotionBackwardIsTheAdjoint() {
        let shape = [2, 3, 6, 4, 2]
        let count = shape.reduce(1, *)
        let x = Tensor(shape: shape, scalars: GradientChecker.random(count, seed: 1))
        let r = Tensor(shape: shape, scalars: GradientChecker.random(count, seed: 2))
        // ⟨motion(x), r⟩ = ⟨x, motionᵀ(r)⟩ for a linear map.
        let left = GradientChecker.weightedSum(TwoStreamNetwork.motion(x).scalars, r.scalars)
        let right = GradientChecker.weightedSum(x.scalars, TwoStreamNetwork.motionBackward(r).scalars)
        XCTAssertEqual(left, right, accuracy: 1e-4 * max(1, abs(left)))
        XCTAssertGreaterThan(abs(left), 0.1)
    }

    func testKeysAreThoseOfTheOfficialTwoStreamModel() throws {
        let model = try TwoStreamNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        let names = model.namedParameters().map(\.name)
        XCTAssertTrue(names.contains("origin_stream.st_gcn_networks.0.gcn.conv.weight"))
        XCTAssertTrue(names.contains("motion_stream.edge_importance.9"))
        XCTAssertTrue(names.contains("motion_stream.fcn.bias"))
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("origin_stream.") || $0.hasPrefix("motion_stream.") })
        let single = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        XCTAssertEqual(model.parameterCount, 2 * single.parameterCount)
        let state = model.stateDict()
        XCTAssertNotNil(state["origin_stream.A"])
        XCTAssertNotNil(state["motion_stream.data_bn.running_var"])
    }

    func testStateDictRoundTripAndLogitsAreTheSumOfTheStreams() throws {
        let configuration = ModelConfiguration(classCount: 4, layout: .coco)
        let source = try TwoStreamNetwork(configuration: configuration)
        source.initializeWeights(seed: 3)
        let target = try TwoStreamNetwork(configuration: configuration)
        var tensors = source.stateDict()
        // Multi-GPU checkpoints carry a `module.` prefix; the graph buffers `*.A` are skipped.
        tensors = Dictionary(uniqueKeysWithValues: tensors.map { ("module." + $0.key, $0.value) })
        let report = try target.load(stateDict: tensors, source: "two-stream")
        XCTAssertEqual(Set(report.skipped), ["origin_stream.A", "motion_stream.A"])
        let x = Tensor(shape: [2, 3, 7, 17, 2], scalars: GradientChecker.random(2 * 3 * 7 * 17 * 2, seed: 4))
        let logits = target.forward(x, mode: .inference)
        XCTAssertEqual(logits, source.forward(x, mode: .inference))
        let origin = target.originStream.forward(x, mode: .inference)
        let motion = target.motionStream.forward(TwoStreamNetwork.motion(x), mode: .inference)
        let worst = zip(logits.scalars, zip(origin.scalars, motion.scalars).map { $0 + $1 }).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertNotEqual(origin, motion, "the two streams were initialized differently")
    }

    func testTwoStreamGradients() throws {
        let model = try TwoStreamNetwork(configuration: ModelConfiguration(
            inputChannels: 2, classCount: 3, layout: VariantNetworkTests.chain, strategy: .spatial, dropout: 0.3))
        VariantNetworkTests.randomize(model, seed: 5)
        VariantNetworkTests.checkGradients(model, input: [2, 2, 5, 4, 1], names: [
            "origin_stream.st_gcn_networks.0.gcn.conv.weight", "motion_stream.st_gcn_networks.0.gcn.conv.weight",
            "motion_stream.data_bn.weight", "motion_stream.edge_importance.3", "origin_stream.fcn.bias",
        ])
    }

    func testArchitectureNamesBuildTheRightModel() throws {
        let configuration = ModelConfiguration(classCount: 2, layout: .coco)
        XCTAssertTrue(try ModelArchitecture(rawValue: "net.st_gcn_twostream.Model")?.makeModel(configuration: configuration) is TwoStreamNetwork)
        XCTAssertTrue(try ModelArchitecture(rawValue: "net.st_gcn.Model")?.makeModel(configuration: configuration) is STGCNNetwork)
    }
}
