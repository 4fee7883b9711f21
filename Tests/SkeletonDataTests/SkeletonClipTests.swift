import XCTest
@testable import SkeletonData

final class SkeletonClipTests: XCTestCase {
    func makeClip() throws -> SkeletonClip {
        try SkeletonClip(channels: 2, frames: 3, joints: 2, persons: 2, values: (0..<24).map(Float.init))
    }

    func testLayoutIsCTVMRowMajor() throws {
        let clip = try makeClip()
        XCTAssertEqual(clip.shape, [2, 3, 2, 2])
        XCTAssertEqual(clip[1, 2, 1, 0], Float(((1 * 3 + 2) * 2 + 1) * 2 + 0))
        XCTAssertEqual(clip[channel: 0, frame: 1, joint: 0, person: 1], 5)
        var copy = clip
        copy[0, 0, 0, 0] = 42
        XCTAssertEqual(copy.values[0], 42)
        XCTAssertEqual(clip.values[0], 0)
    }

    func testRejectsWrongValueCount() {
        assertDataError(try SkeletonClip(channels: 3, frames: 2, joints: 2, persons: 2, values: [1, 2]), contains: ["values", "3·2·2·2"])
        assertDataError(try SkeletonClip(channels: -1, frames: 2, joints: 2, persons: 2, values: []), contains: ["non-negative"])
    }

    func testPaddingCroppingAndPersons() throws {
        let clip = try makeClip()
        let padded = clip.zeroPadded(toFrames: 5)
        XCTAssertEqual(padded.frames, 5)
        for c in 0..<2 { for t in 0..<3 { for v in 0..<2 { for m in 0..<2 { XCTAssertEqual(padded[c, t, v, m], clip[c, t, v, m]) } } } }
        XCTAssertTrue(padded.isZeroFrame(3) && padded.isZeroFrame(4))
        XCTAssertEqual(clip.zeroPadded(toFrames: 2), clip, "longer clips are unchanged")
        XCTAssertEqual(clip.resized(toFrames: 2).frames, 2)
        XCTAssertEqual(clip.frames(1..<3)[0, 0, 0, 0], clip[0, 1, 0, 0])
        let one = clip.withPersons(1)
        XCTAssertEqual(one.persons, 1)
        XCTAssertEqual(one[1, 2, 1, 0], clip[1, 2, 1, 0])
        let three = clip.withPersons(3)
        XCTAssertEqual(three[1, 2, 1, 1], clip[1, 2, 1, 1])
        XCTAssertEqual(three[1, 2, 1, 2], 0)
        XCTAssertEqual(clip.withChannels(1).values, Array(clip.values[0..<12]))
        XCTAssertEqual(padded.validFrameCount, 3)
        XCTAssertEqual(padded.nonZeroFrameRange, 0..<3)
        XCTAssertNil(SkeletonClip(channels: 3, frames: 4, joints: 2, persons: 1).nonZeroFrameRange)
    }

    func testBatchStacksInNCTVMOrder() throws {
        let a = try makeClip()
        let batch = try SkeletonClip.batch([a, a.withPersons(2)])
        XCTAssertEqual(batch.shape, [2, 2, 3, 2, 2])
        XCTAssertEqual(batch.values, a.values + a.values)
        assertDataError(try SkeletonClip.batch([a, a.withPersons(1)]), contains: ["clips[1]", "shape"])
    }

    func testRemappingJoints() throws {
        let clip = try makeClip()
        let swapped = clip.remappingJoints([1, nil, 0])
        XCTAssertEqual(swapped.joints, 3)
        XCTAssertEqual(swapped[1, 2, 0, 1], clip[1, 2, 1, 1])
        XCTAssertEqual(swapped[1, 2, 1, 1], 0)
        XCTAssertEqual(swapped[1, 2, 2, 1], clip[1, 2, 0, 1])
    }
}
