import XCTest
@testable import STGCNStreaming

final class PersonTrackerTests: XCTestCase {
    /// A 2-joint 2-D skeleton at (x, y), both joints scored 1.
    func skeleton(_ x: Float, _ y: Float, joints: Int = 2) -> [Float] {
        Array(repeating: x, count: joints) + Array(repeating: y, count: joints) + Array(repeating: 1, count: joints)
    }

    func tracker(timeout: Int = 3) -> PersonTracker {
        PersonTracker(settings: .init(maximumDistance: 0.2, timeoutFrames: timeout), jointCount: 2, threeDimensional: false)
    }

    func testAnonymousPersonsKeepTheirIdsWhileTheyMoveAndCross() {
        var tracker = tracker()
        XCTAssertEqual(tracker.update([(nil, skeleton(0.1, 0)), (nil, skeleton(0.5, 0))], at: 0), [1, 2])
        // Listed in the other order, both moved a little: ids follow the skeletons.
        XCTAssertEqual(tracker.update([(nil, skeleton(0.55, 0)), (nil, skeleton(0.15, 0))], at: 1), [2, 1])
        // Someone far from both is new.
        XCTAssertEqual(tracker.update([(nil, skeleton(0.15, 0)), (nil, skeleton(-0.4, 0.3))], at: 2), [1, 3])
    }

    func testTracksTimeOutAndIdsAreNeverReused() {
        var tracker = tracker(timeout: 3)
        XCTAssertEqual(tracker.update([(nil, skeleton(0, 0))], at: 0), [1])
        for index in 1...3 { _ = tracker.update([], at: index) }
        XCTAssertEqual(Set(tracker.tracks.keys), [1], "unseen for 3 frames: still kept")
        _ = tracker.update([], at: 4)
        XCTAssertTrue(tracker.tracks.isEmpty, "unseen for 4 frames: dropped")
        XCTAssertEqual(tracker.update([(nil, skeleton(0, 0))], at: 5), [2], "same place, but the old track is gone")
    }

    func testProducerIdsWinAndAreNotGivenToOthers() {
        var tracker = tracker()
        XCTAssertEqual(tracker.update([(7, skeleton(0, 0)), (nil, skeleton(0.6, 0))], at: 0), [7, 1])
        XCTAssertEqual(tracker.update([(nil, skeleton(0.01, 0))], at: 1), [7], "anonymous detection matched to the producer's track")
        var other = self.tracker()
        XCTAssertEqual(other.update([(1, skeleton(0, 0)), (nil, skeleton(0.6, 0))], at: 0), [1, 2], "auto ids skip producer ids")
    }

    func testDistanceUsesOnlyJointsPresentInBoth() {
        let tracker = tracker()
        var a = skeleton(0, 0), b = skeleton(0.1, 0)
        b[0] = 5   // joint 0 far away ...
        b[4] = 0   // ... but missing
        XCTAssertEqual(tracker.distance(a, b), 0.1, accuracy: 1e-6)
        a[5] = 0
        XCTAssertEqual(tracker.distance(a, b), .infinity)
    }

    func testRelevanceRanksBySummedScoreThenFirstSeen() {
        func person(_ id: Int, score: Float) -> TrackedPerson { TrackedPerson(id: id, skeleton: [0, 0, 0, 0, score, score]) }
        let frames = [
            TrackedFrame(index: 0, frame: nil, time: nil, persons: [person(1, score: 1), person(2, score: 0.2)]),
            TrackedFrame(index: 1, frame: nil, time: nil, persons: [person(1, score: 1), person(3, score: 0.9), person(4, score: 0.2)]),
            TrackedFrame(index: 2, frame: nil, time: nil, persons: [person(1, score: 1), person(2, score: 0.2)]),
        ]
        // Sums: 2 → 0.8, 3 → 1.8, 4 → 0.4.
        XCTAssertEqual(PersonRelevance.ranked(frames, excluding: 1, jointCount: 2, threeDimensional: false), [3, 2, 4])
        XCTAssertEqual(PersonRelevance.ranked(frames, excluding: 3, jointCount: 2, threeDimensional: false), [1, 2, 4])
    }
}
