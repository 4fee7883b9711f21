import XCTest
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// Whole-network checks of every ablation variant: parameter counts, key names and
/// finite-difference gradients on a tiny skeleton.
final class VariantNetworkTests: XCTestCase {
    static let chain = try! SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (1, 3)], center: 1)

    /// A network with larger-than-official weights, so that activations stay away from numerical noise.
    static func makeNetwork(_ variant: ModelVariant, strategy: PartitionStrategy, importance: Bool,
                            dropout: Float = 0.3) throws -> STGCNNetwork {
        let network = try STGCNNetwork(configuration: ModelConfiguration(
            inputChannels: 2, classCount: 3, layout: chain, strategy: strategy,
            edgeImportanceWeighting: importance, dropout: dropout, variant: variant))
        randomize(network, seed: 12)
        return network
    }

    static func randomize(_ model: some ParameterContainer, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        model.visitParameters(prefix: "") { name, parameter in
            if name.contains("edge_importance") {
                parameter.value = parameter.value.map { _ in 1 + 0.3 * (generator.nextUniform() - 0.5) }
            } else if name.hasSuffix("weight") && (parameter.shape.count == 4 || parameter.shape.count == 3) {
                let fanIn = Float(parameter.shape[1...].reduce(1, *)) / (parameter.shape.count == 3 ? Float(parameter.shape[1]) : 1)
                parameter.value = parameter.value.map { _ in generator.nextNormal() / fanIn.squareRoot() }
            } else if name.hasSuffix("bias") {
                parameter.value = parameter.value.map { _ in 0.1 * generator.nextNormal() }
            } else {
                parameter.value = parameter.value.map { _ in 1 + 0.1 * generator.nextNormal() }
            }
        }
    }

    /// Checks the input gradient and the named parameters of `model` against finite differences
    /// of the training-mode cross-entropy.
    static func checkGradients(_ model: any ActionRecognitionModel, input shape: [Int], names: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        var x = Tensor(shape: shape, scalars: GradientChecker.random(shape.reduce(1, *), seed: 13))
        let labels = (0..<shape[0]).map { $0 % model.classCount }
        let running = model.namedBuffers().map { $0.buffer.value }
        func restore() { for (buffer, saved) in zip(model.namedBuffers(), running) { buffer.buffer.value = saved } }
        func loss() -> Double {
            model.reseedDropout(77)
            let logits = model.forward(x, mode: .training)
            restore()
            return Double(CrossEntropy.lossAndGradient(logits: logits, labels: labels).loss)
        }
        model.reseedDropout(77)
        let logits = model.forward(x, mode: .training)
        XCTAssertEqual(logits.shape, [shape[0], model.classCount], file: file, line: line)
        model.zeroGradients()
        let dx = model.backward(CrossEntropy.lossAndGradient(logits: logits, labels: labels).gradient)
        restore()
        // A smaller step than the single-layer checks: ten blocks of ReLU and small-batch BN curve the loss.
        let checker = GradientChecker(step: 5e-4, relativeTolerance: 3e-2, samplesPerTensor: 6)
        checker.check("input", analytic: dx.scalars, count: x.count,
                      read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss, file: file, line: line)
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        for name in names {
            guard let parameter = parameters[name] else {
                XCTFail("no parameter \(name)", file: file, line: line)
                continue
            }
            XCTAssertGreaterThan(parameter.gradient.map { abs($0) }.max() ?? 0, 0, "\(name) has a gradient", file: file, line: line)
            checker.check(name, parameter: parameter, loss: loss, file: file, line: line)
        }
    }

    func testBaselineTCNGradients() throws {
        let network = try Self.makeNetwork(.baselineTCN, strategy: .uniform, importance: false)
        XCTAssertTrue(network.edgeImportance.isEmpty)
        // Block 0 reads the C·V = 8 features of each frame through a 1×1 convolution.
        XCTAssertEqual(network.namedParameters().first { $0.name == "st_gcn_networks.0.gcn.conv.weight" }?.parameter.shape,
                       [64, 8, 1, 1])
        Self.checkGradients(network, input: [2, 2, 5, 4, 2], names: [
            "data_bn.weight", "st_gcn_networks.0.gcn.conv.weight", "st_gcn_networks.4.gcn.conv.bias",
            "st_gcn_networks.4.residual.0.weight", "st_gcn_networks.9.tcn.2.weight", "fcn.weight",
        ])
    }

    func testLocalConvolutionNetworkGradients() throws {
        let network = try Self.makeNetwork(.localConvolution, strategy: .uniform, importance: true)
        XCTAssertEqual(network.namedParameters().first { $0.name == "st_gcn_networks.1.gcn.weight" }?.parameter.shape,
                       [10, 64, 64])
        Self.checkGradients(network, input: [2, 2, 5, 4, 2], names: [
            "data_bn.bias", "st_gcn_networks.0.gcn.weight", "st_gcn_networks.0.gcn.bias", "st_gcn_networks.7.gcn.weight",
            "edge_importance.0", "edge_importance.9", "fcn.bias",
        ])
    }

    func testTiedDistanceNetworkGradients() throws {
        let network = try Self.makeNetwork(.distanceTied, strategy: .distance, importance: true)
        XCTAssertEqual(network.edgeImportance.first?.shape, [2, 4, 4], "one mask per distance subset")
        Self.checkGradients(network, input: [2, 2, 5, 4, 2], names: [
            "st_gcn_networks.0.gcn.conv.weight", "st_gcn_networks.5.gcn.conv.weight", "edge_importance.0",
            "edge_importance.8", "fcn.weight",
        ])
    }

    func testInferenceEqualsEvaluationForEveryVariant() throws {
        let x = Tensor(shape: [3, 2, 7, 4, 2], scalars: GradientChecker.random(3 * 2 * 7 * 4 * 2, seed: 41))
        let models: [any ActionRecognitionModel] = [
            try Self.makeNetwork(.baselineTCN, strategy: .uniform, importance: false),
            try Self.makeNetwork(.localConvolution, strategy: .spatial, importance: true),
            try Self.makeNetwork(.distanceTied, strategy: .distance, importance: true),
            try TwoStreamNetwork(configuration: ModelConfiguration(inputChannels: 2, classCount: 3, layout: Self.chain)),
        ]
        for (index, model) in models.enumerated() {
            if index == 3 { Self.randomize(model, seed: 42) }
            // Clip-parallel inference (each worker runs whole clips through shared layers) must
            // compute what the batched evaluation pass computes.
            let fast = model.infer(x), plain = model.forward(x, mode: .evaluation)
            let worst = zip(fast.scalars, plain.scalars).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(worst, 1e-4 * max(1, plain.scalars.map { abs($0) }.max() ?? 0), "model \(index)")
        }
    }

    func testVariantValidation() {
        XCTAssertThrowsError(try STGCNNetwork(configuration: ModelConfiguration(
            classCount: 3, layout: .openpose, strategy: .spatial, variant: .distanceTied)))
        XCTAssertThrowsError(try STGCNNetwork(configuration: ModelConfiguration(
            classCount: 3, layout: .openpose, edgeImportanceWeighting: true, variant: .baselineTCN)))
        XCTAssertNoThrow(try STGCNNetwork(configuration: ModelConfiguration(
            classCount: 3, layout: .openpose, strategy: .distance, variant: .distanceTied)))
    }

    /// Parameter counts on NTU RGB+D (C = 3, V = 25, 10 classes), from the architecture by hand.
    func testParameterCountsOfEveryVariant() throws {
        let schedule = [(3, 64, 1), (64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2),
                        (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1)]
        let joints = 25, classes = 10
        // NTU hop ≤ 1 edges: 25 self links + 2 × 24 bones.
        let edges = 25 + 2 * 24
        func expected(spatial: (Int, Int) -> Int, firstInput: Int = 3, importanceSubsets: Int = 0) -> Int {
            var total = 2 * 3 * joints + 256 * classes + classes
            for (index, (cin, cout, stride)) in schedule.enumerated() {
                let input = index == 0 ? firstInput : cin
                total += spatial(input, cout) + 2 * cout + 9 * cout * cout + cout + 2 * cout
                if index != 0 && (cin != cout || stride != 1) { total += cin * cout + cout + 2 * cout }
            }
            return total + 10 * importanceSubsets * joints * joints
        }
        func count(_ variant: ModelVariant, _ strategy: PartitionStrategy, _ importance: Bool) throws -> Int {
            try STGCNNetwork(configuration: ModelConfiguration(
                classCount: classes, layout: .ntuRGBD, strategy: strategy,
                edgeImportanceWeighting: importance, variant: variant)).parameterCount
        }
        let official = expected(spatial: { 3 * ($0 * $1 + $1) }, importanceSubsets: 3)
        XCTAssertEqual(official, 3_085_982)
        XCTAssertEqual(try count(.stgcn, .spatial, true), official)
        XCTAssertEqual(try count(.stgcn, .spatial, false), expected(spatial: { 3 * ($0 * $1 + $1) }))
        XCTAssertEqual(try count(.stgcn, .distance, false), expected(spatial: { 2 * ($0 * $1 + $1) }))
        XCTAssertEqual(try count(.stgcn, .uniform, false), expected(spatial: { $0 * $1 + $1 }))
        XCTAssertEqual(try count(.distanceTied, .distance, false), expected(spatial: { $0 * $1 + $1 }))
        XCTAssertEqual(try count(.localConvolution, .uniform, false),
                       expected(spatial: { edges * $0 * $1 + joints * $1 }))
        XCTAssertEqual(try count(.baselineTCN, .uniform, false),
                       expected(spatial: { $0 * $1 + $1 }, firstInput: 3 * joints))
    }
}
