import XCTest
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// The ablation variants' spatial layers: finite-difference gradients, naive twins and the
/// exact meaning of the weight tying.
final class VariantLayerTests: XCTestCase {
    let checker = GradientChecker()

    /// A 4-joint chain 0–1–2, 1–3 with center 1.
    func makeGraph(_ strategy: PartitionStrategy) throws -> Graph {
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (1, 3)], center: 1)
        return try Graph(layout: layout, strategy: strategy)
    }

    /// `A` with random positive factors on its non-zero entries (as an edge-importance mask would give).
    func weighted(_ graph: Graph, seed: UInt64) -> [Float] {
        let factors = GradientChecker.random(graph.adjacency.count, seed: seed, scale: 0.4)
        return zip(graph.adjacency, factors).map { $0 * (1 + $1) }
    }

    func testLocalConvolutionEdgesAndParameterShapes() throws {
        let graph = try makeGraph(.spatial)
        let layer = LocalGraphConvolution(inputChannels: 3, outputChannels: 5, support: graph.adjacency.map { $0 != 0 },
                                          subsetCount: graph.subsetCount, jointCount: 4)
        // 4 self links + 2 × 3 bones, ordered by target then source.
        XCTAssertEqual(layer.edges.map { [$0.source, $0.target] },
                       [[0, 0], [1, 0], [0, 1], [1, 1], [2, 1], [3, 1], [1, 2], [2, 2], [1, 3], [3, 3]])
        XCTAssertEqual(layer.weight.shape, [10, 5, 3])
        XCTAssertEqual(layer.bias.shape, [4, 5])
        XCTAssertEqual(layer.namedParameters(prefix: "gcn.").map(\.name), ["gcn.weight", "gcn.bias"])
    }

    func testLocalConvolutionMatchesDirectLoops() throws {
        let graph = try makeGraph(.spatial)
        let layer = LocalGraphConvolution(inputChannels: 3, outputChannels: 5, support: graph.adjacency.map { $0 != 0 },
                                          subsetCount: graph.subsetCount, jointCount: 4)
        layer.weight.value = GradientChecker.random(layer.weight.count, seed: 1)
        layer.bias.value = GradientChecker.random(layer.bias.count, seed: 2)
        let adjacency = weighted(graph, seed: 3)
        let x = Tensor(shape: [2, 3, 6, 4], scalars: GradientChecker.random(144, seed: 4))
        let y = layer.forward(x, adjacency: adjacency, mode: .inference)
        XCTAssertEqual(y.shape, [2, 5, 6, 4])
        var worst: Float = 0
        for s in 0..<2 { for o in 0..<5 { for t in 0..<6 { for w in 0..<4 {
            var expected = layer.bias.value[w * 5 + o]
            for (e, edge) in layer.edges.enumerated() where edge.target == w {
                var a: Float = 0
                for k in 0..<graph.subsetCount { a += adjacency[(k * 4 + edge.source) * 4 + w] }
                for i in 0..<3 { expected += a * layer.weight.value[(e * 5 + o) * 3 + i] * x[s, i, t, edge.source] }
            }
            worst = max(worst, abs(expected - y[s, o, t, w]))
        } } } }
        XCTAssertLessThan(worst, 1e-5)
    }

    func testLocalConvolutionGradients() throws {
        for strategy in [PartitionStrategy.uniform, .spatial] {
            let graph = try makeGraph(strategy)
            let layer = LocalGraphConvolution(inputChannels: 3, outputChannels: 4, support: graph.adjacency.map { $0 != 0 },
                                              subsetCount: graph.subsetCount, jointCount: 4)
            layer.weight.value = GradientChecker.random(layer.weight.count, seed: 11)
            layer.bias.value = GradientChecker.random(layer.bias.count, seed: 12)
            var adjacency = weighted(graph, seed: 13)
            var x = Tensor(shape: [2, 3, 5, 4], scalars: GradientChecker.random(120, seed: 14))
            let r = GradientChecker.random(2 * 4 * 5 * 4, seed: 15)
            func loss() -> Double {
                GradientChecker.weightedSum(layer.forward(x, adjacency: adjacency, mode: .evaluation).scalars, r)
            }
            _ = loss()
            let (dx, dA) = layer.backward(Tensor(shape: [2, 4, 5, 4], scalars: r))
            let label = "local(\(strategy.rawValue))"
            checker.check("\(label).x", analytic: dx.scalars, count: x.count,
                          read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
            checker.check("\(label).weight", parameter: layer.weight, loss: loss)
            checker.check("\(label).bias", parameter: layer.bias, loss: loss)
            // dA on the support only (the edge-importance gradient is dA ⊙ A).
            let support = graph.adjacency.indices.filter { graph.adjacency[$0] != 0 }
            XCTAssertTrue(graph.adjacency.indices.allSatisfy { graph.adjacency[$0] != 0 || dA[$0] == 0 })
            checker.check("\(label).A", analytic: support.map { dA[$0] }, count: support.count,
                          read: { adjacency[support[$0]] }, write: { adjacency[support[$0]] = $1 }, loss: loss)
        }
    }

    func testTiedDistanceEqualsUntiedLayerWithNegatedSecondBlock() throws {
        let graph = try makeGraph(.distance)
        let tied = TiedDistanceGraphConvolution(inputChannels: 3, outputChannels: 4)
        XCTAssertEqual(tied.namedParameters(prefix: "gcn.").map(\.name), ["gcn.conv.weight", "gcn.conv.bias"])
        XCTAssertEqual(tied.convolution.weight.shape, [4, 3, 1, 1])
        tied.convolution.weight.value = GradientChecker.random(12, seed: 21)
        tied.convolution.bias.value = GradientChecker.random(4, seed: 22)
        // The official K = 2 layer with W_1 = −W_0 and b_1 = −b_0.
        let untied = GraphConvolution(inputChannels: 3, outputChannels: 4, subsetCount: 2)
        untied.weight.value = tied.convolution.weight.value + tied.convolution.weight.value.map { -$0 }
        untied.bias.value = tied.convolution.bias.value + tied.convolution.bias.value.map { -$0 }
        let adjacency = weighted(graph, seed: 23)
        let x = Tensor(shape: [2, 3, 5, 4], scalars: GradientChecker.random(120, seed: 24))
        let a = tied.forward(x, adjacency: adjacency, mode: .inference)
        let b = untied.forward(x, adjacency: adjacency, mode: .inference)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertGreaterThan(a.scalars.map { abs($0) }.max() ?? 0, 0.1, "the check is not vacuous")
    }

    func testTiedDistanceGradients() throws {
        let graph = try makeGraph(.distance)
        let layer = TiedDistanceGraphConvolution(inputChannels: 3, outputChannels: 4)
        layer.convolution.weight.value = GradientChecker.random(12, seed: 31)
        layer.convolution.bias.value = GradientChecker.random(4, seed: 32)
        var adjacency = weighted(graph, seed: 33)
        let support = graph.adjacency.map { $0 != 0 }
        var x = Tensor(shape: [2, 3, 5, 4], scalars: GradientChecker.random(120, seed: 34))
        let r = GradientChecker.random(160, seed: 35)
        func loss() -> Double {
            GradientChecker.weightedSum(layer.forward(x, adjacency: adjacency, support: support, mode: .evaluation).scalars, r)
        }
        _ = loss()
        let (dx, dA) = layer.backward(Tensor(shape: [2, 4, 5, 4], scalars: r))
        XCTAssertEqual(dA.count, 2 * 16)
        checker.check("tied.x", analytic: dx.scalars, count: x.count,
                      read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        checker.check("tied.weight", parameter: layer.convolution.weight, loss: loss)
        checker.check("tied.bias", parameter: layer.convolution.bias, loss: loss)
        let entries = graph.adjacency.indices.filter { support[$0] }
        checker.check("tied.A", analytic: entries.map { dA[$0] }, count: entries.count,
                      read: { adjacency[entries[$0]] }, write: { adjacency[entries[$0]] = $1 }, loss: loss)
    }
}
