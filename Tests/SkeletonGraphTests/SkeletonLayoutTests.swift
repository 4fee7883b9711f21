import Foundation
import XCTest
import SkeletonGraph

final class SkeletonLayoutTests: XCTestCase {
    func testBuiltInLayoutsAreValid() throws {
        let expected: [(String, Int, Int, Int)] = [("openpose", 18, 1, 17), ("ntu-rgb+d", 25, 20, 24), ("ntu_edge", 24, 2, 23), ("coco", 17, 0, 16)]
        for (name, count, center, edges) in expected {
            let layout = try SkeletonLayout.named(name)
            XCTAssertEqual(layout.name, name)
            XCTAssertEqual(layout.jointCount, count)
            XCTAssertEqual(layout.center, center)
            XCTAssertEqual(layout.edges.count, edges)
            // Re-validate through the throwing initializer.
            let checked = try SkeletonLayout(name: name, jointCount: count, edges: layout.edgePairs, center: center, jointNames: layout.jointNames)
            XCTAssertEqual(checked, layout)
        }
        XCTAssertEqual(SkeletonLayout.ntuRGBD.jointNames?[20], "spine_shoulder")
        XCTAssertEqual(SkeletonLayout.openpose.jointNames?[1], "neck")
        XCTAssertEqual(SkeletonLayout.coco.jointNames?[16], "right_ankle")
        XCTAssertEqual(SkeletonLayout.builtInNames, ["openpose", "ntu-rgb+d", "ntu_edge", "coco"])
        // NTU pairs are 1-based in the official code: (1, 2) → 0-1, (25, 12) → 24-11.
        XCTAssertEqual(SkeletonLayout.ntuRGBD.edges.first, SkeletonLayout.Edge(0, 1))
        XCTAssertEqual(SkeletonLayout.ntuRGBD.edges.last, SkeletonLayout.Edge(24, 11))
    }

    func testUnknownNameListsTheKnownOnes() {
        XCTAssertThrowsError(try SkeletonLayout.named("nturgb+d")) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .unknownLayout(name: "nturgb+d", known: ["openpose", "ntu-rgb+d", "ntu_edge", "coco"]))
            XCTAssertTrue(String(describing: error).contains("openpose, ntu-rgb+d, ntu_edge, coco"))
        }
    }

    func testEdgeOutOfRange() {
        XCTAssertThrowsError(try SkeletonLayout(name: "bad", jointCount: 3, edges: [(0, 1), (1, 3)], center: 0)) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .edgeOutOfRange(layout: "bad", edgeIndex: 1, edge: [1, 3], jointCount: 3))
        }
        XCTAssertThrowsError(try SkeletonLayout(name: "bad", jointCount: 3, edges: [(-1, 1)], center: 0))
    }

    func testDisconnectedJointsAreListed() {
        XCTAssertThrowsError(try SkeletonLayout(name: "islands", jointCount: 5, edges: [(0, 1), (3, 4)], center: 0)) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .disconnected(layout: "islands", center: 0, unreachable: [2, 3, 4]))
            XCTAssertEqual(String(describing: error), "layout 'islands': joints [2, 3, 4] are not connected to center 0, expected every joint reachable along edges")
        }
    }

    func testCenterJointCountAndNames() {
        XCTAssertThrowsError(try SkeletonLayout(name: "c", jointCount: 2, edges: [(0, 1)], center: 2)) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .centerOutOfRange(layout: "c", center: 2, jointCount: 2))
        }
        XCTAssertThrowsError(try SkeletonLayout(name: "z", jointCount: 0, edges: [], center: 0)) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .invalidJointCount(layout: "z", jointCount: 0))
        }
        XCTAssertThrowsError(try SkeletonLayout(name: "n", jointCount: 2, edges: [(0, 1)], center: 0, jointNames: ["a"])) { error in
            XCTAssertEqual(error as? SkeletonGraphError, .jointNameCount(layout: "n", names: 1, jointCount: 2))
        }
        // A single joint, self-edges and duplicate edges are fine.
        XCTAssertNoThrow(try SkeletonLayout(name: "one", jointCount: 1, edges: [], center: 0))
        XCTAssertNoThrow(try SkeletonLayout(name: "dup", jointCount: 2, edges: [(0, 1), (1, 0), (1, 1)], center: 1))
    }

    func testCustomLayoutDecodesFromJSON() throws {
        let json = """
        {"name": "hand5", "num_node": 6, "center": 0,
         "edges": [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]],
         "joint_names": ["wrist", "thumb", "index", "middle", "ring", "little"]}
        """
        let layout = try JSONDecoder().decode(SkeletonLayout.self, from: Data(json.utf8))
        XCTAssertEqual(layout.name, "hand5")
        XCTAssertEqual(layout.jointCount, 6)
        XCTAssertEqual(layout.edges.count, 5)
        XCTAssertEqual(layout.jointName(1), "thumb")
        let graph = try Graph(layout: layout, strategy: .spatial)
        XCTAssertEqual(graph.shape, [3, 6, 6])
        // Encoding uses the same keys and decodes back to the same value.
        let again = try JSONDecoder().decode(SkeletonLayout.self, from: JSONEncoder().encode(layout))
        XCTAssertEqual(again, layout)
        let withoutNames = try JSONDecoder().decode(SkeletonLayout.self, from: Data(#"{"name":"p","num_node":2,"center":1,"edges":[[0,1]]}"#.utf8))
        XCTAssertNil(withoutNames.jointNames)
        XCTAssertEqual(withoutNames.jointName(0), "joint 0")
    }

    func testDecodingValidatesLikeTheInitializer() {
        let cases: [(String, SkeletonGraphError)] = [
            (#"{"name":"x","num_node":3,"center":0,"edges":[[0,1],[1,5]]}"#, .edgeOutOfRange(layout: "x", edgeIndex: 1, edge: [1, 5], jointCount: 3)),
            (#"{"name":"x","num_node":3,"center":0,"edges":[[0,1]]}"#, .disconnected(layout: "x", center: 0, unreachable: [2])),
            (#"{"name":"x","num_node":3,"center":7,"edges":[[0,1],[1,2]]}"#, .centerOutOfRange(layout: "x", center: 7, jointCount: 3)),
            (#"{"name":"x","num_node":3,"center":0,"edges":[[0,1,2]]}"#, .malformedEdge(layout: "x", edgeIndex: 0, values: [0, 1, 2])),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try JSONDecoder().decode(SkeletonLayout.self, from: Data(json.utf8))) { error in
                XCTAssertEqual(error as? SkeletonGraphError, expected, json)
                XCTAssertFalse(String(describing: error).contains("\n"))
            }
        }
        XCTAssertThrowsError(try JSONDecoder().decode(SkeletonLayout.self, from: Data(#"{"name":"x","center":0,"edges":[]}"#.utf8))) { error in
            XCTAssertTrue(error is DecodingError, "missing num_node is a DecodingError: \(error)")
        }
    }

    func testPartitionStrategyRawValues() {
        XCTAssertEqual(PartitionStrategy.allCases.map(\.rawValue), ["uniform", "distance", "spatial"])
        XCTAssertEqual(PartitionStrategy(rawValue: "spatial"), .spatial)
    }
}
