import Foundation
import XCTest
@testable import SkeletonData

final class KineticsOpenPoseTests: XCTestCase {
    /// A skeleton entry with every joint at (x, y) and score `score`.
    func skeleton(_ x: Double, _ y: Double, score: Double, zeroJoint: Int? = nil) -> String {
        let pose = (0..<18).map { "\($0 == zeroJoint ? 0 : x), \($0 == zeroJoint ? 0 : y)" }.joined(separator: ", ")
        let scores = (0..<18).map { $0 == zeroJoint ? "0" : "\(score)" }.joined(separator: ", ")
        return "{\"pose\": [\(pose)], \"score\": [\(scores)]}"
    }

    func kineticsText(frames: [(index: Int, skeletons: [String])]) -> String {
        let data = frames.map { "{\"frame_index\": \($0.index), \"skeleton\": [\($0.skeletons.joined(separator: ", "))]}" }
        return "{\"data\": [\n" + data.joined(separator: ",\n") + "\n], \"label\": \"dancing\", \"label_index\": 7}"
    }

    func testKineticsOfficialRules() throws {
        let text = kineticsText(frames: [
            (0, [skeleton(0.1, 0.2, score: 0.3), skeleton(0.4, 0.6, score: 0.9, zeroJoint: 2), skeleton(0.7, 0.8, score: 0.5),
                 skeleton(0.9, 0.9, score: 0.2), skeleton(0.5, 0.5, score: 0.6), skeleton(0.55, 0.55, score: 0.99)]),
            (2, [skeleton(0.25, 0.75, score: 0.5), skeleton(0.3, 0.3, score: 0.5)]),
        ])
        let result = try KineticsSkeletonClip(bytes: Array(text.utf8), source: "v.json", frameCount: 4)
        let clip = result.clip
        XCTAssertEqual(clip.shape, [3, 4, 18, 2])
        XCTAssertEqual(result.label, "dancing")
        XCTAssertEqual(result.labelIndex, 7)
        // Frame 0: the 6th person (score 0.99) is ignored (only 5 read); ranking by the summed
        // score: person 1 (0.9 × 17) first, then person 4 (0.6 × 18 = 10.8 < 15.3).
        XCTAssertEqual(clip[0, 0, 0, 0], Float(0.4 - 0.5))
        XCTAssertEqual(clip[1, 0, 0, 0], Float(0.6 - 0.5))
        XCTAssertEqual(clip[2, 0, 0, 0], 0.9)
        XCTAssertEqual(clip[0, 0, 2, 0], 0, "x = 0 where the score is 0")
        XCTAssertEqual(clip[2, 0, 2, 0], 0)
        XCTAssertEqual(clip[0, 0, 0, 1], Float(0.5 - 0.5))
        XCTAssertEqual(clip[2, 0, 0, 1], 0.6)
        // Frame 1 is absent: zeros (not −0.5). Frame 2: equal scores keep file order.
        XCTAssertTrue(clip.isZeroFrame(1))
        XCTAssertEqual(clip[0, 2, 5, 0], Float(0.25 - 0.5))
        XCTAssertEqual(clip[1, 2, 5, 1], Float(0.3 - 0.5))
        XCTAssertTrue(clip.isZeroFrame(3))
    }

    func testKineticsErrorsAndOverflow() throws {
        let long = kineticsText(frames: [(5, [skeleton(0.1, 0.1, score: 1)])])
        assertDataError(try KineticsSkeletonClip(bytes: Array(long.utf8), source: "k.json", frameCount: 3), contains: ["k.json", "6 frames", "at most 3"])
        XCTAssertEqual(try KineticsSkeletonClip(bytes: Array(long.utf8), source: "k.json", frameCount: 3, overflow: .keepAll).clip.frames, 6)
        XCTAssertTrue(try KineticsSkeletonClip(bytes: Array(long.utf8), source: "k.json", frameCount: 3, overflow: .truncate).clip.values.allSatisfy { $0 == 0 })
        let short = kineticsText(frames: [(0, ["{\"pose\": [1, 2], \"score\": [1]}"])])
        assertDataError(try KineticsSkeletonClip(bytes: Array(short.utf8), source: "k.json"), contains: ["k.json:2", "data[0].skeleton[0].pose", "36 numbers", "2 elements"])
        let text = kineticsText(frames: [(0, ["{\"pose\": [" + Array(repeating: "\"a\"", count: 36).joined(separator: ",") + "], \"score\": []}"])])
        assertDataError(try KineticsSkeletonClip(bytes: Array(text.utf8), source: "k.json"), contains: ["data[0].skeleton[0].pose[0]", "a number", "a string"])
        assertDataError(try KineticsSkeletonClip(bytes: Array("{\"data\": [{\"frame_index\": -1}]}".utf8), source: "k.json"), contains: ["data[0].frame_index", "integer"])
        assertDataError(try KineticsSkeletonClip(bytes: Array("{\"data\": [1e999]}".utf8), source: "k.json"), contains: ["data[0]", "an object"])
        assertDataError(try KineticsSkeletonClip(bytes: Array("{\"data\": [NaN]}".utf8), source: "k.json"), contains: ["k.json:1", "valid JSON"])
        assertDataError(try KineticsSkeletonClip(bytes: Array("{\"dat".utf8), source: "k.json"), contains: ["valid JSON"])
        assertDataError(try KineticsSkeletonClip(bytes: Array("[]".utf8), source: "k.json"), contains: ["top level", "an object"])
        let deep = String(repeating: "[", count: 10_000)
        assertDataError(try KineticsSkeletonClip(bytes: Array(deep.utf8), source: "k.json"), contains: ["nesting"])
        let huge = kineticsText(frames: [(0, ["{\"pose\": [" + Array(repeating: "1e400", count: 36).joined(separator: ",") + "], \"score\": [" + Array(repeating: "1", count: 18).joined(separator: ",") + "]}"])])
        assertDataError(try KineticsSkeletonClip(bytes: Array(huge.utf8), source: "k.json"), contains: ["pose[0]", "non-finite"])
        XCTAssertEqual(try KineticsSkeletonClip(bytes: Array(huge.utf8), source: "k.json", nonFinite: .replaceWithZero).replacedNonFiniteValues, 36)
    }

    func testKineticsLabels() throws {
        let text = "{\"abc\": {\"has_skeleton\": true, \"label\": \"x\", \"label_index\": 3}, \"d\\u00e9f\": {\"has_skeleton\": false, \"label\": \"y\", \"label_index\": 0}}"
        let labels = try KineticsLabel.parse(bytes: Array(text.utf8), source: "label.json")
        XCTAssertEqual(labels.map(\.videoID), ["abc", "déf"])
        XCTAssertEqual(labels[0].label, KineticsLabel(hasSkeleton: true, label: "x", labelIndex: 3))
        assertDataError(try KineticsLabel.parse(bytes: Array("{\"a\": {\"label\": \"x\"}}".utf8), source: "label.json"), contains: ["label.json:1", "has_skeleton"])
    }

    // MARK: OpenPose

    func openPoseFrame(people: [[Double]]) -> String {
        "{\"version\":1.3,\"people\":[" + people.map { "{\"person_id\":[-1],\"pose_keypoints_2d\":[" + $0.map { "\($0)" }.joined(separator: ",") + "]}" }.joined(separator: ",") + "]}"
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openpose-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testOpenPoseFolderCOCOAndBody25() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // COCO-18: joint v at (10v, 20v), confidence 0.5; second person higher confidence.
        let coco = (0..<18).flatMap { [Double($0 * 10), Double($0 * 20), 0.5] }
        let strong = (0..<18).flatMap { [Double($0), 1.0, 0.9] }
        try Data(openPoseFrame(people: [coco, strong]).utf8).write(to: folder.appendingPathComponent("clip_000000000010_keypoints.json"))
        try Data(openPoseFrame(people: []).utf8).write(to: folder.appendingPathComponent("clip_000000000002_keypoints.json"))
        // BODY_25: joint k at (k, 100 + k), confidence 1 except mid-hip.
        let body25 = (0..<25).flatMap { [Double($0), Double(100 + $0), 1.0] }
        try Data(openPoseFrame(people: [body25]).utf8).write(to: folder.appendingPathComponent("clip_000000000003_keypoints.json"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent("notes.txt"))

        let sequence = try OpenPoseSequence(folder: folder)
        XCTAssertEqual(sequence.frameNumbers, [2, 3, 10])
        XCTAssertEqual(sequence.video, "clip")
        XCTAssertEqual(sequence.clip.shape, [3, 3, 18, 2])
        XCTAssertTrue(sequence.clip.isZeroFrame(0))
        XCTAssertEqual(sequence.clip[0, 1, 8, 0], 9, "openpose RHip is BODY_25 joint 9")
        XCTAssertEqual(sequence.clip[1, 1, 17, 0], 118, "LEar is BODY_25 joint 18")
        XCTAssertEqual(sequence.clip[0, 1, 1, 0], 1)
        XCTAssertEqual(sequence.clip[2, 2, 4, 0], 0.9, "highest summed score first")
        XCTAssertEqual(sequence.clip[0, 2, 4, 1], 40)
        let fileOrder = try OpenPoseSequence(folder: folder, selection: .fileOrder)
        XCTAssertEqual(fileOrder.clip[0, 2, 4, 0], 40)
        let normalized = try OpenPoseSequence(folder: folder, normalization: .imageSize(width: 200, height: 400, centered: true))
        XCTAssertEqual(normalized.clip[0, 2, 4, 1], Float(40.0 / 200 - 0.5))
        XCTAssertEqual(normalized.clip[1, 2, 4, 1], Float(80.0 / 400 - 0.5))

        try Data(openPoseFrame(people: [Array(coco.prefix(30))]).utf8).write(to: folder.appendingPathComponent("clip_000000000011_keypoints.json"))
        assertDataError(try OpenPoseSequence(folder: folder), contains: ["clip_000000000011_keypoints.json:1", "people[0].pose_keypoints_2d", "54 (COCO-18) or 75"])
        try Data(openPoseFrame(people: []).utf8).write(to: folder.appendingPathComponent("other_000000000000_keypoints.json"))
        assertDataError(try OpenPoseSequence(folder: folder), contains: ["video", "2 videos"])
        assertDataError(try OpenPoseSequence(folder: folder, video: "nothing"), contains: ["no data", "nothing"])
        XCTAssertEqual(try OpenPoseSequence(folder: folder, video: "other").clip.frames, 1)
        assertDataError(try OpenPoseSequence(folder: folder.appendingPathComponent("missing")), contains: ["cannot read"])
    }
}
