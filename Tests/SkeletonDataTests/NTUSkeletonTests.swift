import XCTest
@testable import SkeletonData

final class NTUSkeletonTests: XCTestCase {
    let bigID: UInt64 = 72_057_594_037_931_101  // a real-looking Kinect tracking id (> Int32)

    func parse(_ text: String, source: String = "S001C002P003R002A013.skeleton", nonFinite: NonFinitePolicy = .reject) throws -> NTUSkeletonSequence {
        try NTUSkeletonSequence(bytes: Array(text.utf8), source: source, nonFinite: nonFinite)
    }

    func testParsesFramesBodiesAndJoints() throws {
        let sequence = try parse(ntuText(bodies: [[bigID], [], [bigID, 5, UInt64.max]]))
        XCTAssertEqual(sequence.frames.count, 3)
        XCTAssertEqual(sequence.frames.map(\.bodies.count), [1, 0, 3])
        XCTAssertEqual(sequence.frames[0].bodies[0].bodyID, bigID)
        XCTAssertEqual(sequence.frames[2].bodies[2].bodyID, UInt64.max)
        let body = sequence.frames[2].bodies[1]
        XCTAssertEqual(body.joints.count, 25)
        XCTAssertEqual(body.handLeftConfidence, 1)
        XCTAssertEqual(body.leanX, -0.437266)
        XCTAssertEqual(body.trackingState, 2)
        let joint = body.joints[24]
        XCTAssertEqual(joint.x, Float(2.24))
        XCTAssertEqual(joint.colorY, 540.25)
        XCTAssertEqual(joint.orientationZ, 0.4)
        XCTAssertEqual(joint.trackingState, 2)
        XCTAssertEqual(sequence.maxBodyCount, 3)
    }

    func testOfficialClipConversion() throws {
        let sequence = try parse(ntuText(bodies: [[bigID], [], [bigID, 5, 6]]))
        let clip = try sequence.clip()
        XCTAssertEqual(clip.shape, [3, 300, 25, 2])
        XCTAssertEqual(clip[0, 0, 3, 0], Float(0.03))
        XCTAssertEqual(clip[1, 0, 3, 0], Float(bigID % 7))
        XCTAssertEqual(clip[2, 0, 3, 1], 0, "frame 0 has one body")
        XCTAssertTrue(clip.isZeroFrame(1), "a frame with 0 bodies is zeros")
        XCTAssertEqual(clip[0, 2, 7, 1], Float(2.07), "second body in file order")
        XCTAssertEqual(clip[2, 2, 7, 1], 3)
        XCTAssertEqual(clip[1, 2, 0, 1], 5, "third body dropped")
        for t in 3..<300 { XCTAssertTrue(clip.isZeroFrame(t)) }
    }

    func testOverflowPolicies() throws {
        let sequence = try parse(ntuText(bodies: Array(repeating: [1], count: 5)))
        assertDataError(try sequence.clip(frameCount: 3), contains: ["5 frames", "at most 3", "truncate"])
        XCTAssertEqual(try sequence.clip(frameCount: 3, overflow: .truncate).frames, 3)
        let all = try sequence.clip(frameCount: 3, overflow: .keepAll)
        XCTAssertEqual(all.frames, 5)
        XCTAssertEqual(all[0, 4, 0, 0], 4)
        XCTAssertEqual(try sequence.clip(frameCount: 8, overflow: .keepAll).frames, 8)
    }

    func testReadsFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("S017C003P020R002A060-\(getpid()).skeleton")
        try Data(ntuText(bodies: [[bigID]]).utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try NTUSkeletonSequence(contentsOf: url).frames.count, 1)
        assertDataError(try NTUSkeletonSequence(contentsOf: url.appendingPathExtension("missing")), contains: ["cannot read"])
    }

    func testErrorsNameLineAndField() {
        var lines = ntuText(bodies: [[bigID, 3]]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line 1 frame count, 2 body count, 3 body info, 4 joint count, 5… joints.
        var bad = lines; bad[6] = "0.1 0.2 abc 1 1 1 1 1 1 1 1 2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: ["S001C002P003R002A013.skeleton:7", "frame 0, body 0, joint 2: z", "a number", "'abc'"])
        bad = lines; bad[3] = "24"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: [":4", "joint count", "25 joints", "24"])
        bad = lines; bad[2] = "-5 0 1 1 1 1 0 0 0 2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: [":3", "bodyID", "unsigned 64-bit"])
        bad = lines; bad[2] = "18446744073709551616 0 1 1 1 1 0 0 0 2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: ["bodyID"])
        bad = lines; bad[5] = "0.1 0.2 0.3 1 1 1 1 1 1 1 2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: [":6", "12 values", "found 11"])
        bad = lines; bad[4] = "nan 0.2 0.3 1 1 1 1 1 1 1 1 2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: [":5", "joint 0: x", "non-finite", "nan"])
        XCTAssertEqual(try parse(bad.joined(separator: "\n"), nonFinite: .replaceWithZero).replacedNonFiniteValues, 1)
        bad = lines; bad[0] = "2"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: ["file ends early", "frame 1: body count"])
        bad = lines; bad[0] = "x"
        assertDataError(try parse(bad.joined(separator: "\n")), contains: [":1", "frame count"])
        lines.insert("7", at: lines.count - 1)
        assertDataError(try parse(lines.joined(separator: "\n")), contains: ["end of file", "declares 1 frames"])
        assertDataError(try parse(""), contains: ["file ends early", "frame count"])
    }

    func testTruncatedEverywhereIsACleanError() throws {
        let bytes = Array(ntuText(bodies: [[bigID], [], [1, 2]], jointCount: 25).utf8)
        var cuts = 0
        for end in stride(from: 0, to: bytes.count - 1, by: 31) {
            // Cutting at a newline boundary can leave a valid prefix only if everything declared is present.
            if (try? NTUSkeletonSequence(bytes: Array(bytes[0..<end]), source: "cut")) != nil {
                XCTFail("truncated file at \(end) parsed")
            }
            cuts += 1
        }
        XCTAssertGreaterThan(cuts, 50)
    }

    func testSampleNames() throws {
        let name = try NTUSampleName(fileName: "/data/nturgb+d_skeletons/S001C002P003R002A013.skeleton")
        XCTAssertEqual(name, NTUSampleName(setup: 1, camera: 2, performer: 3, replication: 2, action: 13))
        XCTAssertEqual(name.label, 12)
        XCTAssertEqual(name.description, "S001C002P003R002A013")
        XCTAssertFalse(name.isTraining(.crossSubject))
        XCTAssertTrue(name.isTraining(.crossView))
        XCTAssertTrue(try NTUSampleName(fileName: "S010C001P001R001A120.skeleton").isTraining(.crossSubject))
        XCTAssertFalse(try NTUSampleName(fileName: "S010C001P001R001A120.skeleton").isTraining(.crossView))
        XCTAssertEqual(NTUSampleName.crossSubjectTrainingSubjects.count, 20)
        for bad in ["S01C002P003R002A013.skeleton", "X001C002P003R002A013", "S001C002P003R002A01", "S001C002P003R002A013x.skeleton", ""] {
            assertDataError(try NTUSampleName(fileName: bad), contains: ["SsssCcccPpppRrrrAaaa"])
        }
    }

    func testRealLabelFilesAgreeWithSplitRule() throws {
        // The official xsub/xview label pickles for class A023 list sample names per split.
        let folder = try dataFolderOrFixture("real")
        for (file, benchmark, training) in [("ntu-a023-xsub-train_label.pkl", NTUBenchmark.crossSubject, true),
                                            ("ntu-a023-xview-val_label.pkl", .crossView, false)] {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(file))
            // Sample names are plain ASCII inside the pickle: find every SsssCcccPpppRrrrAaaa.skeleton.
            let text = String(decoding: bytes, as: UTF8.self)
            let names = text.components(separatedBy: ".skeleton").compactMap { chunk -> NTUSampleName? in
                guard chunk.count >= 20 else { return nil }
                return try? NTUSampleName(fileName: String(chunk.suffix(20)))
            }
            XCTAssertGreaterThan(names.count, 200, file)
            for name in names {
                XCTAssertEqual(name.isTraining(benchmark), training, "\(file): \(name)")
                XCTAssertEqual(name.label, 22)
            }
        }
    }

    private func dataFolderOrFixture(_ name: String) throws -> URL {
        try STGCNTestSupportFolder.fixture(name)
    }
}
