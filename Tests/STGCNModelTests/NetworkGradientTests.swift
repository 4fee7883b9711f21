import XCTest
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// Finite-difference checks through the whole network on a tiny custom skeleton, with an odd
/// number of frames (5 → 3 → 2 through the two strided blocks), two persons and dropout.
final class NetworkGradientTests: XCTestCase {
    func makeNetwork(dropout: Float) throws -> STGCNNetwork {
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (1, 3)], center: 1)
        let network = try STGCNNetwork(configuration: ModelConfiguration(
            inputChannels: 2, classCount: 3, layout: layout, strategy: .spatial, dropout: dropout))
        network.initializeWeights(seed: 11)
        // Larger-than-official weights keep activations away from numerical noise.
        var generator = SeededGenerator(seed: 12)
        network.visitParameters(prefix: "") { name, parameter in
            if name.hasPrefix("edge_importance") {
                parameter.value = parameter.value.map { $0 + 0.3 * (generator.nextUniform() - 0.5) }
            } else if name.hasSuffix("weight") && parameter.shape.count == 4 {
                let fanIn = Float(parameter.shape[1] * parameter.shape[2])
                parameter.value = parameter.value.map { _ in generator.nextNormal() / fanIn.squareRoot() }
            } else if name.hasSuffix("bias") {
                parameter.value = parameter.value.map { _ in 0.1 * generator.nextNormal() }
            }
        }
        return network
    }

    func testWholeNetworkGradientsInTrainingMode() throws {
        let network = try makeNetwork(dropout: 0.3)
        var x = Tensor(shape: [2, 2, 5, 4, 2], scalars: GradientChecker.random(2 * 2 * 5 * 4 * 2, seed: 13))
        let labels = [2, 0]
        let running = network.namedBuffers().map { $0.buffer.value }
        func loss() -> Double {
            network.reseedDropout(77)
            let logits = network.forward(x, training: true)
            for (buffer, saved) in zip(network.namedBuffers(), running) { buffer.buffer.value = saved }
            return Double(CrossEntropy.lossAndGradient(logits: logits, labels: labels).loss)
        }
        network.reseedDropout(77)
        let logits = network.forward(x, training: true)
        XCTAssertEqual(logits.shape, [2, 3])
        network.zeroGradients()
        let dx = network.backward(CrossEntropy.lossAndGradient(logits: logits, labels: labels).gradient)
        for (buffer, saved) in zip(network.namedBuffers(), running) { buffer.buffer.value = saved }
        // Ten layers of ReLU and small-batch BatchNorm: some coordinates sit near a kink, which the
        // checker's retry with a smaller step handles; the tolerance is looser than per layer.
        let checker = GradientChecker(step: 2e-3, relativeTolerance: 3e-2, samplesPerTensor: 6)
        checker.check("input", analytic: dx.scalars, count: x.count,
                      read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        let checked: Set<String> = [
            "data_bn.weight", "st_gcn_networks.0.gcn.conv.weight", "st_gcn_networks.4.residual.0.weight",
            "st_gcn_networks.7.tcn.0.bias", "st_gcn_networks.9.tcn.2.weight", "edge_importance.0", "edge_importance.9",
            "fcn.weight",
        ]
        for (name, parameter) in network.namedParameters() where checked.contains(name) {
            checker.check(name, parameter: parameter, loss: loss)
        }
    }

    func testEvaluationModeIsDeterministicAndIgnoresDropout() throws {
        let network = try makeNetwork(dropout: 0.5)
        let x = Tensor(shape: [1, 2, 9, 4, 2], scalars: GradientChecker.random(144, seed: 21))
        let first = network.forward(x, training: false)
        let second = network.forward(x, training: false)
        XCTAssertEqual(first, second)
        for length in [1, 2, 3, 4] {
            let short = Tensor(shape: [1, 2, length, 4, 1], scalars: GradientChecker.random(8 * length, seed: 22))
            XCTAssertEqual(network.forward(short, training: false).shape, [1, 3], "T = \(length)")
        }
    }

    func testAbsentSecondPersonOnlyHalvesTheFeatureMean() throws {
        // The head averages persons, so an all-zero second person is not ignored: it contributes
        // the network's response to zeros, exactly as in the official model.
        let network = try makeNetwork(dropout: 0)
        var two = Tensor(shape: [1, 2, 3, 4, 2])
        var one = Tensor(shape: [1, 2, 3, 4, 1])
        let values = GradientChecker.random(24, seed: 31)
        for c in 0..<2 { for t in 0..<3 { for v in 0..<4 {
            two[0, c, t, v, 0] = values[(c * 3 + t) * 4 + v]
            one[0, c, t, v, 0] = values[(c * 3 + t) * 4 + v]
        } } }
        XCTAssertNotEqual(network.forward(two, training: false), network.forward(one, training: false))
    }

    func testParameterCountsFollowTheConfiguration() throws {
        let ntu = try STGCNNetwork(configuration: ModelConfiguration(classCount: 10, layout: .ntuRGBD))
        XCTAssertEqual(ntu.parameterCount, 3_085_982)
        let withoutImportance = try STGCNNetwork(configuration: ModelConfiguration(
            classCount: 10, layout: .ntuRGBD, edgeImportanceWeighting: false))
        XCTAssertEqual(withoutImportance.parameterCount, 3_085_982 - 10 * 3 * 25 * 25)
        XCTAssertFalse(withoutImportance.namedParameters().contains { $0.name.hasPrefix("edge_importance") })
    }
}
