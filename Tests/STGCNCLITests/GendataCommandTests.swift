import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `stgcn gendata` end to end: the real binary, real and crafted files, one-line errors.
final class GendataCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-gendata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ text: String, _ path: String) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// An NTU `.skeleton` file with one body a frame; joint j of frame f at (f + j/100, 0.5, 3).
    func ntuFile(frames: Int) -> String {
        var lines = ["\(frames)"]
        for f in 0..<frames {
            lines += ["1", "72057594037931101 0 1 1 1 1 0 -0.437266 -0.2983932 2", "25"]
            for j in 0..<25 { lines.append("\(Double(f) + Double(j) / 100) 0.5 3 250.1 180.2 960.5 540.25 0.1 0.2 0.3 0.4 2") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testMSRAction3DRealData() throws {
        let data = Fixtures.root.deletingLastPathComponent().appendingPathComponent("data/msr-action3d")
        guard FileManager.default.fileExists(atPath: data.path) else { throw XCTSkip("\(data.path) not found") }
        let out = folder.appendingPathComponent("msr")
        let start = Date()
        let result = try CommandRunner.run(["gendata", "text", "msr-action3d", "--data-path", data.path, "--out-folder", out.path])
        XCTAssertEqual(result.status, 0, result.error)
        print("gendata text msr-action3d: \(String(format: "%.1f", Date().timeIntervalSince(start))) s; \(result.output)")
        XCTAssertTrue(result.error.contains("567 sequences"), result.error)
        XCTAssertTrue(result.error.contains("train: 292/292"), result.error)
        let train = try Feeder(dataPath: out.appendingPathComponent("train_data.npy"), labelPath: out.appendingPathComponent("train_label.pkl"))
        let val = try Feeder(dataPath: out.appendingPathComponent("val_data.npy"), labelPath: out.appendingPathComponent("val_label.pkl"))
        XCTAssertEqual(train.count + val.count, 567)
        XCTAssertEqual(train.count, 292)
        XCTAssertEqual(val.count, 275)
        XCTAssertEqual(train.classCount, 20)
        XCTAssertEqual(val.classCount, 20)
        XCTAssertEqual(train.sampleShape, [3, 196, 20, 1])
        XCTAssertTrue(train.names.allSatisfy { Int($0.dropFirst(5).prefix(2))! % 2 == 1 }, "odd subjects train")
        XCTAssertTrue(val.names.allSatisfy { Int($0.dropFirst(5).prefix(2))! % 2 == 0 }, "even subjects test")
        // Sample values are the file's x y z (confidence dropped), zero-padded.
        let name = train.names[0]
        let sequence = try PlainTextSkeletonSequence(contentsOf: data.appendingPathComponent(name), format: .msrAction3D)
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try train.sample(0, using: &generator), sequence.clip.resized(toFrames: 196))
        let classNames = try String(contentsOf: out.appendingPathComponent("class_names.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(classNames.first, "high arm wave")
        XCTAssertEqual(classNames.count, 20)
        // A batch for the trainer.
        let batch = try train.batch(indices: train.batches(batchSize: 16, shuffle: true, dropLast: true, seed: 1)[0], using: &generator)
        XCTAssertEqual(batch.shape, [16, 3, 196, 20, 1])
    }

    func testUTKinectRealData() throws {
        let data = Fixtures.root.deletingLastPathComponent().appendingPathComponent("data/utkinect/joints")
        guard FileManager.default.fileExists(atPath: data.path) else { throw XCTSkip("\(data.path) not found") }
        let out = folder.appendingPathComponent("utk")
        let result = try CommandRunner.run(["gendata", "text", "utkinect", "--data-path", data.path, "--out-folder", out.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.error, "")
        let train = try Feeder(dataPath: out.appendingPathComponent("train_data.npy"), labelPath: out.appendingPathComponent("train_label.pkl"))
        let val = try Feeder(dataPath: out.appendingPathComponent("val_data.npy"), labelPath: out.appendingPathComponent("val_label.pkl"))
        XCTAssertEqual(train.count, 100)
        XCTAssertEqual(val.count, 99)
        XCTAssertEqual(train.classCount, 10)
    }

    func testNTUCraftedFilesAndOptions() throws {
        try write(ntuFile(frames: 4), "ntu/S001C001P001R001A007.skeleton")
        try write(ntuFile(frames: 2), "ntu/S001C002P003R002A001.skeleton")
        try write(ntuFile(frames: 1), "ntu/S001C003P002R001A002.skeleton")
        try write("S001C003P002R001A002\n", "missing.txt")
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["gendata", "ntu", "--data-path", folder.appendingPathComponent("ntu").path,
                                            "--ignored-sample-path", folder.appendingPathComponent("missing.txt").path, "--out-folder", out.path])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("xsub/train_data.npy (1, 3, 300, 25, 2)"), result.output)
        let feeder = try Feeder(dataPath: out.appendingPathComponent("xsub/train_data.npy"), labelPath: out.appendingPathComponent("xsub/train_label.pkl"))
        XCTAssertEqual(feeder.names, ["S001C001P001R001A007.skeleton"])
        XCTAssertEqual(feeder.labels, [6])
        var generator = SeededGenerator(seed: 0)
        let clip = try feeder.sample(0, using: &generator)
        XCTAssertEqual(clip[0, 3, 24, 0], Float(3.24))
        XCTAssertEqual(clip[1, 3, 24, 0], 0.5)
        XCTAssertEqual(clip[2, 0, 0, 0], 3)
        XCTAssertEqual(clip[2, 0, 0, 1], 0, "no second body")
        XCTAssertTrue(clip.isZeroFrame(4))
        let xview = try Feeder(dataPath: out.appendingPathComponent("xview/val_data.npy"), labelPath: out.appendingPathComponent("xview/val_label.pkl"))
        XCTAssertEqual(xview.names, ["S001C001P001R001A007.skeleton"])
        XCTAssertEqual(try Npy.read(contentsOf: out.appendingPathComponent("xview/train_data.npy")).shape, [1, 3, 300, 25, 2])

        // A clip longer than 300 frames: an error naming it (and no output), or truncation.
        try write(ntuFile(frames: 301), "ntu/S001C001P001R001A008.skeleton")
        let out2 = folder.appendingPathComponent("out2")
        let failed = try CommandRunner.run(["gendata", "ntu", "--data-path", folder.appendingPathComponent("ntu").path, "--out-folder", out2.path, "--benchmark", "xsub"])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.error.contains("S001C001P001R001A008.skeleton: 301 frames, expected at most 300"), failed.error)
        XCTAssertEqual(failed.error.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2.path), "all or nothing: the folder made for the conversion is removed")
        let truncated = try CommandRunner.run(["gendata", "ntu", "--data-path", folder.appendingPathComponent("ntu").path, "--out-folder", out2.path,
                                               "--benchmark", "xsub", "--long-clips", "truncate", "--quiet"])
        XCTAssertEqual(truncated.status, 0, truncated.error)
        XCTAssertEqual(try Npy.read(contentsOf: out2.appendingPathComponent("xsub/train_data.npy")).shape, [3, 3, 300, 25, 2])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2.appendingPathComponent("xview").path))
    }

    func testKineticsAndOpenPoseCommands() throws {
        let pose = (0..<18).map { "0.\($0 + 10), 0.5" }.joined(separator: ", ")
        let score = (0..<18).map { _ in "0.8" }.joined(separator: ", ")
        try write("{\"data\": [{\"frame_index\": 0, \"skeleton\": [{\"pose\": [\(pose)], \"score\": [\(score)]}]}], \"label\": \"a\", \"label_index\": 1}",
                  "k/kinetics_train/v1.json")
        try write("{\"v1\": {\"has_skeleton\": true, \"label\": \"a\", \"label_index\": 1}}", "k/kinetics_train_label.json")
        let out = folder.appendingPathComponent("kout")
        let result = try CommandRunner.run(["gendata", "kinetics", "--data-path", folder.appendingPathComponent("k").path, "--part", "train", "--out-folder", out.path])
        XCTAssertEqual(result.status, 0, result.error)
        let feeder = try Feeder(dataPath: out.appendingPathComponent("train_data.npy"), labelPath: out.appendingPathComponent("train_label.pkl"))
        XCTAssertEqual(feeder.sampleShape, [3, 300, 18, 2])
        XCTAssertEqual(feeder.labels, [1])
        var generator = SeededGenerator(seed: 0)
        XCTAssertEqual(try feeder.sample(0, using: &generator)[0, 0, 2, 0], Float(0.12 - 0.5))

        let people = (0..<18).flatMap { [Double(100 + $0), 200.0, 0.9] }.map { "\($0)" }.joined(separator: ",")
        try write("{\"people\":[{\"pose_keypoints_2d\":[\(people)]}]}", "op/jump/clip1/clip1_000000000000_keypoints.json")
        let opOut = folder.appendingPathComponent("opout")
        let missingSize = try CommandRunner.run(["gendata", "openpose", "--data-path", folder.appendingPathComponent("op").path, "--out-folder", opOut.path])
        XCTAssertNotEqual(missingSize.status, 0)
        XCTAssertTrue(missingSize.error.contains("--image-size"), missingSize.error)
        let op = try CommandRunner.run(["gendata", "openpose", "--data-path", folder.appendingPathComponent("op").path, "--out-folder", opOut.path,
                                        "--image-size", "400x800", "--frames", "10"])
        XCTAssertEqual(op.status, 0, op.error)
        let opFeeder = try Feeder(dataPath: opOut.appendingPathComponent("train_data.npy"), labelPath: opOut.appendingPathComponent("train_label.pkl"))
        XCTAssertEqual(opFeeder.names, ["jump/clip1"])
        XCTAssertEqual(opFeeder.sampleShape, [3, 10, 18, 2])
        let clip = try opFeeder.sample(0, using: &generator)
        XCTAssertEqual(clip[0, 0, 1, 0], Float(101.0 / 400 - 0.5))
        XCTAssertEqual(clip[1, 0, 1, 0], Float(200.0 / 800 - 0.5))
        XCTAssertEqual(try String(contentsOf: opOut.appendingPathComponent("class_names.txt"), encoding: .utf8), "jump\n")
    }

    func testBadInputFailsWithOneLineNamingTheFile() throws {
        let missing = folder.appendingPathComponent("nowhere")
        for arguments in [["ntu"], ["kinetics"], ["text", "msr-action3d"], ["text", "utkinect"], ["openpose", "--raw-pixels"]] {
            let result = try CommandRunner.run(["gendata"] + arguments + ["--data-path", missing.path, "--out-folder", folder.appendingPathComponent("o").path])
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let lines = result.error.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(result.error)")
            XCTAssertTrue(result.error.contains("nowhere"), "\(arguments): \(result.error)")
        }
        try write("garbage\n", "msr/a01_s01_e01_skeleton3D.txt")
        let bad = try CommandRunner.run(["gendata", "text", "msr-action3d", "--data-path", folder.appendingPathComponent("msr").path,
                                         "--out-folder", folder.appendingPathComponent("o").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.error.contains("a01_s01_e01_skeleton3D.txt:1"), bad.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("o/train_data.npy").path))
        let badOption = try CommandRunner.run(["gendata", "ntu", "--data-path", missing.path, "--out-folder", "x", "--long-clips", "keep"])
        XCTAssertNotEqual(badOption.status, 0)
        XCTAssertTrue(badOption.error.contains("long-clips"), badOption.error)
    }
}
