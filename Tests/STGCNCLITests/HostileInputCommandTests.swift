import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// Sizes from files and options through the built `stgcn`: checked against `InputLimits`
/// before anything is allocated, a one-line error (status 1, or 64 for options), never an
/// abort; and one policy for unknown config keys in every command.
final class HostileInputCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// An official-format config for 18 joints (`layout`), 5 classes, with `extra` lines.
    func writeConfig(numClass: String = "5", layout: String = "'openpose'", extra: String = "") throws -> URL {
        let url = folder.appendingPathComponent("config-\(UUID().uuidString).yaml")
        try """
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: \(numClass)
          edge_importance_weighting: True
          graph_args:
            layout: \(layout)
            strategy: 'spatial'
        \(extra)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func writeWeights() throws -> URL {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        network.initializeWeights(seed: 3)
        let url = folder.appendingPathComponent("weights.safetensors")
        try network.saveWeights(to: url)
        return url
    }

    func assertCleanFailure(_ result: CommandRunner.Result, status: Int32 = 1, mentioning fragments: [String],
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "expected a clean failure, got status \(result.status): \(result.error.prefix(500))",
                       file: file, line: line)
        XCTAssertLessThan(result.error.utf8.count, 1_000, "short error: \(result.error.prefix(500))", file: file, line: line)
        let errorLines = result.error.split(separator: "\n").filter { $0.hasPrefix("Error") }
        XCTAssertEqual(errorLines.count, 1, result.error, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.error.contains(fragment), "\"\(result.error)\" should mention \"\(fragment)\"", file: file, line: line)
        }
    }

    func testHugeSizesInConfigsAreOneLineErrors() throws {
        let weights = try writeWeights()
        let input = folder.appendingPathComponent("x.npy")
        try Npy.write(float32: [Float](repeating: 0, count: 3 * 4 * 18), shape: [1, 3, 4, 18, 1], to: input)
        func infer(_ config: URL) throws -> CommandRunner.Result {
            try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", input.path,
                                   "--output", folder.appendingPathComponent("y.npy").path])
        }
        assertCleanFailure(try infer(try writeConfig(numClass: "1000000000")), mentioning: ["num_class", "1,000,000,000", "100,000"])
        let started = Date()
        assertCleanFailure(try infer(try writeConfig(layout: "{num_node: 10000000, edges: [[0, 1]], center: 0}")),
                           mentioning: ["num_node", "10,000,000"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testHugeFrameCountsAreOneLineErrors() throws {
        let config = try writeConfig(), weights = try writeWeights()
        // A 29 KB-like Kinetics clip whose one frame claims index 100,000.
        let pose = (0..<18).map { "0.\($0 + 10), 0.5" }.joined(separator: ", ")
        let score = (0..<18).map { _ in "0.8" }.joined(separator: ", ")
        let clip = folder.appendingPathComponent("clip.json")
        try "{\"data\": [{\"frame_index\": 100000, \"skeleton\": [{\"pose\": [\(pose)], \"score\": [\(score)]}]}], \"label\": \"a\", \"label_index\": 1}"
            .write(to: clip, atomically: true, encoding: .utf8)
        let predict = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", clip.path])
        assertCleanFailure(predict, mentioning: ["clip.json", "frame_index"])

        let frames = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", clip.path,
                                            "--frames", "100000000"])
        assertCleanFailure(frames, status: 64, mentioning: ["--frames", "100,000,000"])
    }

    func testUnknownKeysAreWarningsInEveryCommand() throws {
        let config = try writeConfig(extra: "learning_rat: 0.1\ndevice: 0")
        let weights = try writeWeights()
        let input = folder.appendingPathComponent("x.npy")
        try Npy.write(float32: [Float](repeating: 0.1, count: 3 * 4 * 18), shape: [1, 3, 4, 18, 1], to: input)
        let line = ":\(9)"  // learning_rat is on line 9
        let infer = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path, "--input", input.path,
                                           "--output", folder.appendingPathComponent("y.npy").path])
        XCTAssertEqual(infer.status, 0, infer.error)
        XCTAssertTrue(infer.error.contains("warning: \(config.path)\(line): unknown key learning_rat ignored"), infer.error)
        XCTAssertFalse(infer.error.contains("device"), "device is official: \(infer.error)")
        let predict = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", input.path])
        XCTAssertEqual(predict.status, 0, predict.error)
        XCTAssertTrue(predict.error.contains("unknown key learning_rat ignored"), predict.error)
        let onnx = try CommandRunner.run(["export-onnx", "-c", config.path, "--weights", weights.path,
                                          "-o", folder.appendingPathComponent("m.onnx").path])
        XCTAssertEqual(onnx.status, 0, onnx.error)
        XCTAssertTrue(onnx.error.contains("unknown key learning_rat ignored"), onnx.error)
    }

    func testOpenPoseFolderWarnsAboutSkippedFiles() throws {
        let config = try writeConfig(), weights = try writeWeights()
        let video = folder.appendingPathComponent("video")
        try FileManager.default.createDirectory(at: video, withIntermediateDirectories: true)
        let people = (0..<18).flatMap { [Double(100 + $0), 200.0, 0.9] }.map { "\($0)" }.joined(separator: ",")
        for frame in 0..<3 {
            try "{\"people\":[{\"pose_keypoints_2d\":[\(people)]}]}"
                .write(to: video.appendingPathComponent("clip_\(String(format: "%012d", frame))_keypoints.json"), atomically: true, encoding: .utf8)
        }
        try "{}".write(to: video.appendingPathComponent("clip_final_keypoints.json"), atomically: true, encoding: .utf8)
        try "{}".write(to: video.appendingPathComponent("keypoints_keypoints.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: video.appendingPathComponent("clip_000000000009_keypoints.json").path,
                                                   withDestinationPath: "/nonexistent/frame.json")
        let result = try CommandRunner.run(["predict", "-c", config.path, "--weights", weights.path, "--input", video.path,
                                            "--image-size", "640x480"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("2 files not named <video>_<frame number>_keypoints.json"), result.error)
        XCTAssertTrue(result.error.contains("1 broken symbolic link"), result.error)
    }
}
