import Foundation
import XCTest
import STGCNTestSupport
import SkeletonFormats
import SkeletonGraph

/// Compares every built graph with the official code's matrices.
final class AdjacencyFixtureTests: XCTestCase {
    private func maxAbsDifference(_ graph: Graph, _ tensor: SafetensorsTensor) throws -> Float {
        XCTAssertEqual(tensor.shape, graph.shape, "\(graph.layout.name).\(graph.strategy)")
        let expected = try tensor.floatValues()
        guard expected.count == graph.adjacency.count else { return .infinity }
        return zip(expected, graph.adjacency).map { abs($0 - $1) }.max() ?? 0
    }

    func testEveryLayoutAndStrategyMatchesTheOfficialAdjacency() throws {
        let file = try SafetensorsFile(contentsOf: Fixtures.url("adjacency.safetensors"))
        var checked = 0
        for layout in ["openpose", "ntu-rgb+d", "ntu_edge"] {
            for strategy in PartitionStrategy.allCases {
                let key = "\(layout).\(strategy.rawValue)"
                let graph = try Graph(layoutNamed: layout, strategy: strategy)
                let difference = try maxAbsDifference(graph, file.tensor(key))
                XCTAssertLessThanOrEqual(difference, 1e-6, key)
                print("adjacency fixture \(key): K=\(graph.subsetCount) max |diff| = \(difference)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 9)
        XCTAssertEqual(Set(file.names), Set(["openpose", "ntu-rgb+d", "ntu_edge"].flatMap { l in PartitionStrategy.allCases.map { "\(l).\($0.rawValue)" } }))
    }

    func testTheModelBufferAMatchesTheSpatialNTUGraph() throws {
        let model = try SafetensorsFile(contentsOf: Fixtures.url("stgcn-ntu-spatial/model.safetensors"))
        let graph = try Graph(layout: .ntuRGBD, strategy: .spatial)
        XCTAssertLessThanOrEqual(try maxAbsDifference(graph, model.tensor("A")), 1e-6)
    }

    /// The official code compares truncated hop distances, where "infinite" equals "infinite".
    /// Using true shortest-path distances to the center instead gives different matrices; the
    /// fixture must agree with the quirk, not with the "intuitive" reading.
    func testTheSpatialQuirkIsWhatTheFixtureHolds() throws {
        let file = try SafetensorsFile(contentsOf: Fixtures.url("adjacency.safetensors"))
        let official = try file.tensor("ntu-rgb+d.spatial").floatValues()
        let graph = try Graph(layout: .ntuRGBD, strategy: .spatial)
        let v = 25
        // With true distances, every bone would be either "close" or "further" (never "root",
        // since adjacent joints differ by exactly one hop on a tree). Count the fixture's
        // non-zero further entries: only pairs involving the center's neighbourhood qualify.
        let further = (0..<(v * v)).filter { official[2 * v * v + $0] != 0 }.count
        XCTAssertEqual(further, 8)
        XCTAssertEqual((0..<(v * v)).filter { graph.adjacency[2 * v * v + $0] != 0 }.count, 8)
        let trueDistanceFurtherCount = 24  // one direction of each of the 24 bones
        XCTAssertNotEqual(further, trueDistanceFurtherCount)
    }
}
