import Foundation
import XCTest
@testable import SkeletonData

final class AugmentationTests: XCTestCase {
    /// A clip whose every value is non-zero and identifies its position.
    func ramp(frames: Int, channels: Int = 3) -> SkeletonClip {
        var clip = SkeletonClip(channels: channels, frames: frames, joints: 4, persons: 2)
        for i in 0..<clip.values.count { clip.values[i] = Float(i + 1) }
        return clip
    }

    func testRandomChooseLengthAndContent() {
        var random = TestRandom(seed: 1)
        let clip = ramp(frames: 10)
        XCTAssertEqual(clip.randomChoose(size: 10, using: &random), clip)
        var offsets = Set<Int>()
        for _ in 0..<200 {
            let cropped = clip.randomChoose(size: 4, using: &random)
            XCTAssertEqual(cropped.frames, 4)
            // A crop is 4 consecutive source frames.
            let begin = Int(cropped[0, 0, 0, 0] - 1) / (4 * 2)
            offsets.insert(begin)
            for t in 0..<4 { XCTAssertEqual(cropped[2, t, 3, 1], clip[2, begin + t, 3, 1]) }
            let padded = clip.randomChoose(size: 13, using: &random)
            XCTAssertEqual(padded.frames, 13)
            XCTAssertEqual(padded.nonZeroFrameRange?.count, 10)
        }
        XCTAssertEqual(offsets, Set(0...6), "every crop start 0...T−size occurs")
    }

    func testAutoPadding() {
        var random = TestRandom(seed: 2)
        let clip = ramp(frames: 5)
        let end = clip.autoPadding(size: 8, randomPad: false, using: &random)
        XCTAssertEqual(end.nonZeroFrameRange, 0..<5)
        var starts = Set<Int>()
        for _ in 0..<100 {
            let padded = clip.autoPadding(size: 8, randomPad: true, using: &random)
            guard let span = padded.nonZeroFrameRange else { return XCTFail("all zero") }
            XCTAssertEqual(span.count, 5)
            starts.insert(span.lowerBound)
            XCTAssertEqual(padded[1, span.lowerBound + 2, 1, 1], clip[1, 2, 1, 1])
        }
        XCTAssertEqual(starts, Set(0...3))
        XCTAssertEqual(clip.autoPadding(size: 3, randomPad: true, using: &random), clip)
    }

    func testRandomMoveRotatesByAllowedAnglesAtKeyFrames() {
        var random = TestRandom(seed: 3)
        let clip = ramp(frames: 12)
        var seenAngles = Set<Double>()
        for _ in 0..<100 {
            let (moved, trace) = clip.randomMoveTraced(using: &random)
            XCTAssertEqual(trace.nodes, [0, 12])
            // Channel 2 untouched.
            for t in 0..<12 { for v in 0..<4 { for m in 0..<2 { XCTAssertEqual(moved[2, t, v, m], clip[2, t, v, m]) } } }
            for (k, t) in [(0, 0), (1, 11)] {
                let angle = trace.angles[k], scale = trace.scales[k]
                XCTAssertTrue([-10.0, -5, 0, 5, 10].contains(angle))
                XCTAssertTrue([0.9, 1.0, 1.1].contains(scale))
                XCTAssertTrue([-0.2, -0.1, 0, 0.1, 0.2].contains(trace.translationsX[k]))
                seenAngles.insert(angle)
                let r = angle * Double.pi / 180
                for v in 0..<4 {
                    for m in 0..<2 {
                        let x = Double(clip[0, t, v, m]), y = Double(clip[1, t, v, m])
                        let ex = cos(r) * scale * x - sin(r) * scale * y + trace.translationsX[k]
                        let ey = sin(r) * scale * x + cos(r) * scale * y + trace.translationsY[k]
                        XCTAssertEqual(Double(moved[0, t, v, m]), ex, accuracy: 1e-3 * max(1, abs(ex)))
                        XCTAssertEqual(Double(moved[1, t, v, m]), ey, accuracy: 1e-3 * max(1, abs(ey)))
                    }
                }
            }
        }
        XCTAssertEqual(seenAngles, [-10, -5, 0, 5, 10])
    }

    func testRandomMoveInterpolatesLinearly() {
        var random = TestRandom(seed: 4)
        var clip = SkeletonClip(channels: 2, frames: 5, joints: 1, persons: 1)
        for t in 0..<5 { clip[0, t, 0, 0] = 1 }  // the point (1, 0): after the move its norm is the scale
        var parameters = RandomMoveParameters()
        parameters.translationCandidates = [0]
        let (moved, trace) = clip.randomMoveTraced(parameters, using: &random)
        for t in 0..<5 {
            let f = Double(t) / 4
            let scale = trace.scales[0] + (trace.scales[1] - trace.scales[0]) * f
            let angle = (trace.angles[0] + (trace.angles[1] - trace.angles[0]) * f) * Double.pi / 180
            XCTAssertEqual(Double(moved[0, t, 0, 0]), scale * cos(angle), accuracy: 1e-6)
            XCTAssertEqual(Double(moved[1, t, 0, 0]), scale * sin(angle), accuracy: 1e-6)
        }
    }

    func testRandomShiftKeepsTheNonZeroSpan() {
        var random = TestRandom(seed: 5)
        let inner = ramp(frames: 4)
        let clip = inner.reframed(length: 10, sourceStart: 0, destinationStart: 3, count: 4)
        var starts = Set<Int>()
        for _ in 0..<200 {
            let shifted = clip.randomShift(using: &random)
            XCTAssertEqual(shifted.frames, 10)
            guard let span = shifted.nonZeroFrameRange else { return XCTFail("all zero") }
            XCTAssertEqual(span.count, 4)
            starts.insert(span.lowerBound)
            XCTAssertEqual(shifted.frames(span), inner)
        }
        XCTAssertEqual(starts, Set(0...6))
        let zeros = SkeletonClip(channels: 3, frames: 6, joints: 2, persons: 2)
        XCTAssertEqual(zeros.randomShift(using: &random), zeros)
    }

    func testSameSeedSameResult() {
        let clip = ramp(frames: 9)
        var a = TestRandom(seed: 9), b = TestRandom(seed: 9)
        let x = clip.randomChoose(size: 6, using: &a).randomMove(using: &a).randomShift(using: &a)
        let y = clip.randomChoose(size: 6, using: &b).randomMove(using: &b).randomShift(using: &b)
        XCTAssertEqual(x, y)
    }
}
