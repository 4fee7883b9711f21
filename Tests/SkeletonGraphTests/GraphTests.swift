import XCTest
import SkeletonGraph

final class GraphTests: XCTestCase {
    private func columnSums(_ graph: Graph) -> [Float] {
        let v = graph.jointCount
        return (0..<v).map { w in
            (0..<graph.subsetCount).reduce(Float(0)) { total, k in
                total + (0..<v).reduce(Float(0)) { $0 + graph.entry(subset: k, source: $1, target: w) }
            }
        }
    }

    func testEveryColumnOfTheSummedSubsetsSumsToOne() throws {
        for layout in SkeletonLayout.builtIn {
            for strategy in PartitionStrategy.allCases {
                for (maxHop, dilation) in [(1, 1), (2, 1), (2, 2), (3, 2)] {
                    let graph = try Graph(layout: layout, strategy: strategy, maxHop: maxHop, dilation: dilation)
                    for (w, sum) in columnSums(graph).enumerated() {
                        XCTAssertEqual(sum, 1, accuracy: 1e-5, "\(layout.name) \(strategy) hop \(maxHop) dilation \(dilation) column \(w)")
                    }
                }
            }
        }
    }

    func testSubsetCountPerStrategy() throws {
        let expected: [PartitionStrategy: [Int]] = [.uniform: [1, 1, 1], .distance: [2, 3, 2], .spatial: [3, 5, 3]]
        for (strategy, counts) in expected {
            XCTAssertEqual(try Graph(layout: .coco, strategy: strategy).subsetCount, counts[0], "\(strategy)")
            XCTAssertEqual(try Graph(layout: .coco, strategy: strategy, maxHop: 2).subsetCount, counts[1], "\(strategy) hop 2")
            XCTAssertEqual(try Graph(layout: .coco, strategy: strategy, maxHop: 2, dilation: 2).subsetCount, counts[2], "\(strategy) hop 2 dilation 2")
        }
        let graph = try Graph(layout: .ntuRGBD, strategy: .spatial)
        XCTAssertEqual(graph.shape, [3, 25, 25])
        XCTAssertEqual(graph.adjacency.count, 3 * 25 * 25)
        XCTAssertEqual(graph.subsetLabels.count, 3)
    }

    func testUniformIsTheColumnNormalizedNeighbourhood() throws {
        let graph = try Graph(layout: .openpose, strategy: .uniform)
        // Neck (1) has neighbours 0, 2, 5 plus itself: each column-1 entry is 1/4.
        for source in [0, 1, 2, 5] { XCTAssertEqual(graph.entry(subset: 0, source: source, target: 1), 0.25, accuracy: 1e-7) }
        XCTAssertEqual(graph.entry(subset: 0, source: 3, target: 1), 0)
        // Row 1, column 0: nose (0) has neighbours 1, 14, 15 and itself.
        XCTAssertEqual(graph.entry(subset: 0, source: 1, target: 0), 0.25, accuracy: 1e-7)
        // The matrix is B·D⁻¹, not symmetric: wrist (4) has 1 neighbour, elbow (3) has 2.
        XCTAssertEqual(graph.entry(subset: 0, source: 3, target: 4), 0.5, accuracy: 1e-7)
        XCTAssertEqual(graph.entry(subset: 0, source: 4, target: 3), 1.0 / 3.0, accuracy: 1e-7)
    }

    func testDistanceSplitsByHop() throws {
        let graph = try Graph(layout: .openpose, strategy: .distance)
        let identity = graph.subset(0)
        for v in 0..<18 {
            for w in 0..<18 where v != w { XCTAssertEqual(identity[v][w], 0) }
            XCTAssertGreaterThan(identity[v][v], 0)
        }
        let neighbours = graph.subset(1)
        for v in 0..<18 { XCTAssertEqual(neighbours[v][v], 0) }
        XCTAssertGreaterThan(neighbours[2][1], 0)
    }

    func testMaxHopTwoReachesFartherAndDilationSkipsHops() throws {
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (2, 3)], center: 0)
        let one = try Graph(layout: layout, strategy: .uniform, maxHop: 1)
        XCTAssertNil(one.hopDistance[0][2])
        XCTAssertEqual(one.hopDistance[0][1], 1)
        XCTAssertEqual(one.entry(subset: 0, source: 0, target: 2), 0)

        let two = try Graph(layout: layout, strategy: .uniform, maxHop: 2)
        XCTAssertEqual(two.hopDistance[0][2], 2)
        XCTAssertNil(two.hopDistance[0][3])
        // Column 0 gathers joints 0, 1, 2 equally.
        for source in 0..<3 { XCTAssertEqual(two.entry(subset: 0, source: source, target: 0), 1.0 / 3.0, accuracy: 1e-7) }
        XCTAssertEqual(two.validHops, [0, 1, 2])

        let dilated = try Graph(layout: layout, strategy: .distance, maxHop: 2, dilation: 2)
        XCTAssertEqual(dilated.validHops, [0, 2])
        XCTAssertEqual(dilated.subsetCount, 2)
        // Hop-1 pairs take no part: column 0 = {0, 2}, each 1/2.
        XCTAssertEqual(dilated.entry(subset: 0, source: 0, target: 0), 0.5, accuracy: 1e-7)
        XCTAssertEqual(dilated.entry(subset: 1, source: 2, target: 0), 0.5, accuracy: 1e-7)
        XCTAssertEqual(dilated.entry(subset: 1, source: 1, target: 0), 0)
    }

    func testSpatialOnAChainWithFiniteDistances() throws {
        // With maxHop 3 every distance to the center (0) is finite: pure root/close/further.
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (2, 3)], center: 0)
        let graph = try Graph(layout: layout, strategy: .spatial, maxHop: 3)
        XCTAssertEqual(graph.subsetCount, 7)
        // Subset 1 (hop 1, root + close): source farther from the center than the target.
        XCTAssertGreaterThan(graph.entry(subset: 1, source: 2, target: 1), 0)
        XCTAssertEqual(graph.entry(subset: 1, source: 1, target: 2), 0)
        // Subset 2 (hop 1, further): source nearer the center.
        XCTAssertGreaterThan(graph.entry(subset: 2, source: 1, target: 2), 0)
    }

    func testSpatialQuirkWithTruncatedDistances() throws {
        // maxHop 1: joint 3 is "infinitely" far from center 0, like joint 2, so 2→3 and 3→2 are root.
        let layout = try SkeletonLayout(name: "chain", jointCount: 4, edges: [(0, 1), (1, 2), (2, 3)], center: 0)
        let graph = try Graph(layout: layout, strategy: .spatial)
        XCTAssertGreaterThan(graph.entry(subset: 1, source: 2, target: 3), 0)
        XCTAssertGreaterThan(graph.entry(subset: 1, source: 3, target: 2), 0)
        // 1 (distance 1) vs 2 (infinite): 2→1 is "close" (subset 1), 1→2 is "further" (subset 2).
        XCTAssertGreaterThan(graph.entry(subset: 1, source: 2, target: 1), 0)
        XCTAssertGreaterThan(graph.entry(subset: 2, source: 1, target: 2), 0)
    }

    func testInvalidHopParameters() {
        for (maxHop, dilation) in [(0, 1), (-1, 1), (1, 0), (33, 1)] {
            XCTAssertThrowsError(try Graph(layout: .coco, strategy: .spatial, maxHop: maxHop, dilation: dilation)) { error in
                guard case .invalidHopParameters = error as? SkeletonGraphError else { return XCTFail("\(error)") }
                XCTAssertTrue(String(describing: error).contains("max_hop"))
            }
        }
    }

    func testPartitionDescription() throws {
        let text = try Graph(layout: .ntuRGBD, strategy: .spatial).partitionDescription
        XCTAssertTrue(text.hasPrefix("layout ntu-rgb+d: 25 joints, center 20 (spine_shoulder), 24 edges"), text)
        XCTAssertTrue(text.contains("K = 3 subsets"))
        XCTAssertTrue(text.contains("subset 2: hop 1: further"))
        XCTAssertTrue(text.contains("  20 spine_shoulder <- 20 (0.2000)"), text)
        XCTAssertTrue(text.contains("edges: 0-1 1-20 2-20"))
    }
}
