import XCTest
@testable import STGCNStreaming

final class ActionTimelineTests: XCTestCase {
    func testSameLabelWindowsMergeAndSegmentsTileTheRecording() {
        // Windows of 10 frames every 5 frames: labels 1 1 2 2 2 1.
        let labels = [1, 1, 2, 2, 2, 1]
        let probabilities: [Float] = [0.5, 0.7, 0.9, 0.6, 0.3, 0.8]
        let windows = labels.indices.map { ActionTimeline.Window(start: 5 * $0, end: 5 * $0 + 9, classIndex: labels[$0], probability: probabilities[$0]) }
        let segments = ActionTimeline.segments(windows)
        XCTAssertEqual(segments.map(\.classIndex), [1, 2, 1])
        XCTAssertEqual(segments.map(\.start), [0, 15, 30])
        XCTAssertEqual(segments.map(\.end), [14, 29, 34])
        XCTAssertEqual(segments.map(\.windows), [2, 3, 1])
        XCTAssertEqual(segments[0].probability, 0.6, accuracy: 1e-6)
        XCTAssertEqual(segments[1].probability, 0.6, accuracy: 1e-6)
        XCTAssertEqual(ActionTimeline.segments([]), [])
    }

    func testWindowStartsCoverTheEnd() {
        XCTAssertEqual(ActionTimeline.windowStarts(frameCount: 30, window: 10, hop: 10), [0, 10, 20])
        XCTAssertEqual(ActionTimeline.windowStarts(frameCount: 33, window: 10, hop: 10), [0, 10, 20, 23])
        XCTAssertEqual(ActionTimeline.windowStarts(frameCount: 8, window: 10, hop: 3), [0])
        XCTAssertEqual(ActionTimeline.windowStarts(frameCount: 10, window: 10, hop: 3), [0])
    }
}
