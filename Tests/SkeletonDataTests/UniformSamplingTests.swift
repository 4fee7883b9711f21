import Foundation
import XCTest
@testable import SkeletonData

final class UniformSamplingTests: XCTestCase {
    /// A clip of `frames` frames whose valid frames are `valid` (zero elsewhere); channel 0 of
    /// joint 0, person 0 holds the frame number + 1, so a sampled frame says where it came from.
    func clip(frames: Int, valid: Range<Int>) -> SkeletonClip {
        var clip = SkeletonClip(channels: 3, frames: frames, joints: 2, persons: 1)
        for t in valid { for c in 0..<3 { for v in 0..<2 { clip[c, t, v, 0] = c == 0 && v == 0 ? Float(t + 1) : 0.5 } } }
        return clip
    }

    func sources(_ sampled: SkeletonClip) -> [Int] { (0..<sampled.frames).map { Int(sampled[0, $0, 0, 0]) - 1 } }

    func testCenteredTakesTheMiddleOfEachSegmentOfTheValidFramesOnly() {
        var random = TestRandom(seed: 1)
        // Valid frames 10..<30 (20 frames) in a 50-frame clip, to 5 frames: segments of 4, middles 2, 6, 10, 14, 18.
        let sampled = clip(frames: 50, valid: 10..<30).uniformlySampled(size: 5, mode: .centered, using: &random)
        XCTAssertEqual(sampled.frames, 5)
        XCTAssertEqual(sources(sampled), [12, 16, 20, 24, 28])
        // Shorter than the size: frames repeated evenly, never zero padding.
        let stretched = clip(frames: 8, valid: 0..<3).uniformlySampled(size: 6, mode: .centered, using: &random)
        XCTAssertEqual(sources(stretched), [0, 0, 1, 1, 2, 2])
        XCTAssertEqual(stretched.nonZeroFrameRange, 0..<6)
    }

    func testRandomTakesOneFrameInEverySegmentAndReachesAllOfThem() {
        var random = TestRandom(seed: 2)
        let source = clip(frames: 40, valid: 4..<36)   // 32 valid frames, 8 segments of 4
        var seen = Set<Int>()
        for _ in 0..<200 {
            let picked = sources(source.uniformlySampled(size: 8, mode: .random, using: &random))
            for (i, frame) in picked.enumerated() {
                XCTAssertTrue((4 + 4 * i)..<(8 + 4 * i) ~= frame, "segment \(i) took frame \(frame)")
                seen.insert(frame)
            }
        }
        XCTAssertEqual(seen, Set(4..<36), "every valid frame is drawn sometimes")
    }

    func testAllZeroClipGivesZeroFrames() {
        var random = TestRandom(seed: 3)
        let sampled = SkeletonClip(channels: 3, frames: 7, joints: 2, persons: 1).uniformlySampled(size: 4, mode: .random, using: &random)
        XCTAssertEqual(sampled.frames, 4)
        XCTAssertNil(sampled.nonZeroFrameRange)
    }
}
