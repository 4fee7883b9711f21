import XCTest
import STGCNTensor
import SkeletonGraph
@testable import STGCNModel

/// Joint/bone/motion input streams and score fusion.
final class InputStreamTests: XCTestCase {
    func testParentsPointTowardTheCenter() throws {
        let chain = try SkeletonLayout(name: "chain", jointCount: 5, edges: [(0, 1), (1, 2), (2, 3), (1, 4)], center: 1)
        XCTAssertEqual(InputStream.parents(of: chain), [1, 1, 1, 2, 1])
        // NTU: the center is joint 20 (spine shoulder); the spine base (0) hangs from 1, the head (3) from 2.
        let ntu = InputStream.parents(of: .ntuRGBD)
        XCTAssertEqual(ntu[20], 20)
        XCTAssertEqual(ntu[0], 1)
        XCTAssertEqual(ntu[3], 2)
        XCTAssertEqual(ntu[1], 20)
    }

    func testBoneAndMotionValues() throws {
        let chain = try SkeletonLayout(name: "chain", jointCount: 3, edges: [(0, 1), (1, 2)], center: 1)
        // (N, C, T, V, M) = (1, 2, 3, 3, 1); channel 1 is a score that must be kept.
        var x = Tensor(shape: [1, 2, 3, 3, 1])
        for t in 0..<3 { for v in 0..<3 { x[0, 0, t, v, 0] = Float(10 * v + t * t); x[0, 1, t, v, 0] = 0.5 } }
        let bone = InputStream.bone.transform(x, layout: chain, coordinateChannels: 1)
        XCTAssertEqual((0..<3).map { bone[0, 0, 2, $0, 0] }, [-10, 0, 10])
        XCTAssertEqual(bone[0, 1, 1, 2, 0], 0.5)
        let motion = InputStream.jointMotion.transform(x, layout: chain, coordinateChannels: 1)
        XCTAssertEqual((0..<3).map { motion[0, 0, $0, 2, 0] }, [1, 3, 0])
        XCTAssertEqual(motion[0, 1, 0, 0, 0], 0.5)
        let boneMotion = InputStream.boneMotion.transform(x, layout: chain)
        XCTAssertEqual(boneMotion.scalars.map { abs($0) }.max(), 0, "bones of this clip do not move")
        XCTAssertEqual(InputStream.joint.transform(x, layout: chain), x)
    }

    func testScoreFusionAveragesOrWeighsProbabilities() throws {
        let a = Tensor(shape: [1, 2], scalars: [0, 0])            // softmax (0.5, 0.5)
        let b = Tensor(shape: [1, 2], scalars: [0, Float(log(3.0))]) // softmax (0.25, 0.75)
        let mean = try ScoreFusion.fuse([a, b])
        XCTAssertEqual(mean.scalars[0], 0.375, accuracy: 1e-6)
        let weighted = try ScoreFusion.fuse([a, b], weights: [1, 3])
        XCTAssertEqual(weighted.scalars[1], 0.25 * 0.5 + 0.75 * 0.75, accuracy: 1e-6)
        XCTAssertThrowsError(try ScoreFusion.fuse([a, Tensor(shape: [1, 3])]))
        XCTAssertThrowsError(try ScoreFusion.fuse([a, b], weights: [1]))
        XCTAssertThrowsError(try ScoreFusion.fuse([a, b], weights: [0, 0]))
        XCTAssertThrowsError(try ScoreFusion.fuse([]))
    }
}
