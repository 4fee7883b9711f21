import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `stgcn gendata` writes every output file or none, and its errors name its own options.
final class GendataAllOrNothingCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-gendata-aon-\(UUID().uuidString)")
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

    /// A Kinetics-skeleton clip with one skeleton at each of `frames`.
    func kineticsClip(frames: [Int], label: Int = 0) -> String {
        let pose = (0..<18).map { "0.\($0 + 10), 0.5" }.joined(separator: ", ")
        let score = (0..<18).map { _ in "0.8" }.joined(separator: ", ")
        let data = frames.map { "{\"frame_index\": \($0), \"skeleton\": [{\"pose\": [\(pose)], \"score\": [\(score)]}]}" }
        return "{\"data\": [\(data.joined(separator: ", "))], \"label\": \"a\", \"label_index\": \(label)}"
    }

    /// Every file below `url`, hidden ones included.
    func files(below url: URL) -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects.compactMap { $0 as? String } ?? []).sorted()
    }

    func testKineticsWritesNothingWhenAValClipFails() throws {
        try write(kineticsClip(frames: [0, 1]), "k/kinetics_train/t1.json")
        try write("{\"t1\": {\"has_skeleton\": true, \"label\": \"a\", \"label_index\": 0}}", "k/kinetics_train_label.json")
        try write("{\"data\": [{\"frame_index\": \"zero\"}]}", "k/kinetics_val/v1.json")
        try write("{\"v1\": {\"has_skeleton\": true, \"label\": \"a\", \"label_index\": 0}}", "k/kinetics_val_label.json")
        let existing = folder.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
        for out in [folder.appendingPathComponent("new/out"), existing] {
            let result = try CommandRunner.run(["gendata", "kinetics", "--data-path", folder.appendingPathComponent("k").path,
                                                "--out-folder", out.path, "--quiet"])
            XCTAssertEqual(result.status, 1, result.error)
            XCTAssertTrue(result.error.contains("v1.json"), result.error)
            XCTAssertEqual(files(below: out), [], "all or nothing: \(out.path)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("new/out").path),
                       "a folder created for the conversion is removed again")
        // With a good val clip everything is written, and nothing else.
        try write(kineticsClip(frames: [0]), "k/kinetics_val/v1.json")
        let result = try CommandRunner.run(["gendata", "kinetics", "--data-path", folder.appendingPathComponent("k").path,
                                            "--out-folder", existing.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(files(below: existing), ["class_names.txt", "train_data.npy", "train_label.pkl", "val_data.npy", "val_label.pkl"])
    }

    func testOutFolderThatIsAFileIsAOneLineError() throws {
        try write("S001C001P001R001A001.skeleton\n", "a-file")
        let result = try CommandRunner.run(["gendata", "ntu", "--data-path", folder.path,
                                            "--out-folder", folder.appendingPathComponent("a-file").path])
        XCTAssertEqual(result.status, 1, result.error)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssertTrue(message.contains("--out-folder") && message.contains("is a file"), message)
        XCTAssertFalse(message.contains("Domain") || message.contains("NSError") || message.contains("UserInfo"), message)
    }

    func testLongClipErrorNamesTheOption() throws {
        try write(kineticsClip(frames: [0, 300]), "k/kinetics_train/t1.json")
        try write("{\"t1\": {\"has_skeleton\": true, \"label\": \"a\", \"label_index\": 0}}", "k/kinetics_train_label.json")
        let result = try CommandRunner.run(["gendata", "kinetics", "--data-path", folder.appendingPathComponent("k").path, "--part", "train",
                                            "--out-folder", folder.appendingPathComponent("out").path, "--quiet"])
        XCTAssertEqual(result.status, 1, result.error)
        XCTAssertTrue(result.error.contains("--long-clips truncate"), result.error)
        XCTAssertFalse(result.error.contains("FrameOverflow"), result.error)
    }
}
