import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `stgcn convert` and `stgcn export-onnx` through the built binary: conversions that work,
/// and one-line errors for malformed inputs.
final class ConvertCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func writeConfig(classes: Int = 5) throws -> URL {
        let url = folder.appendingPathComponent("model-\(classes).yaml")
        try """
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: \(classes)
          edge_importance_weighting: True
          graph_args:
            layout: 'openpose'
            strategy: 'spatial'
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func writeWeights(prefix: String = "") throws -> URL {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        network.initializeWeights(seed: 9)
        var tensors: [String: SafetensorsTensor] = [:]
        for (key, tensor) in network.stateDict() { tensors[prefix + key] = tensor }
        let url = folder.appendingPathComponent("weights.safetensors")
        try SafetensorsFile.write(tensors, to: url)
        return url
    }

    func assertFails(_ arguments: [String], mentioning fragments: [String],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandRunner.run(arguments)
        XCTAssertNotEqual(result.status, 0, "expected failure: \(arguments)", file: file, line: line)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, "one-line error expected, got: \(message)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "\"\(message)\" should mention \"\(fragment)\"", file: file, line: line)
        }
    }

    func testRoundTripThroughPyTorchFormatKeepsEveryTensor() throws {
        let weights = try writeWeights(prefix: "module.")
        let pt = folder.appendingPathComponent("w.pth"), back = folder.appendingPathComponent("back.safetensors")
        let first = try CommandRunner.run(["convert", weights.path, pt.path, "--config", try writeConfig().path])
        XCTAssertEqual(first.status, 0, first.error)
        XCTAssertTrue(first.output.contains("removed the module. prefix"), first.output)
        XCTAssertTrue(first.output.contains("loaded 171"), first.output)  // 10 blocks of openpose/spatial + data_bn + fcn
        let second = try CommandRunner.run(["convert", pt.path, back.path])
        XCTAssertEqual(second.status, 0, second.error)
        let original = try SafetensorsFile(contentsOf: weights).tensors
        let converted = try SafetensorsFile(contentsOf: back).tensors
        XCTAssertEqual(converted.count, original.count)
        for (key, tensor) in original {
            XCTAssertEqual(converted[String(key.dropFirst("module.".count))], tensor, key)
        }
    }

    func testFineTuningDropsTheClassifierAndIgnoredKeys() throws {
        let weights = try writeWeights()
        let out = folder.appendingPathComponent("finetune.safetensors")
        let result = try CommandRunner.run(["convert", weights.path, out.path, "-c", try writeConfig().path,
                                            "--num-class", "3", "--ignore-weights", "edge_importance.3"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("checkpoint has 5 classes, model 3"), result.output)
        XCTAssertTrue(result.output.contains("ignored (--ignore-weights edge_importance.3): edge_importance.3"), result.output)
        XCTAssertTrue(result.output.contains("missing 3"), result.output)
        let names = try SafetensorsFile(contentsOf: out).names
        XCTAssertFalse(names.contains("fcn.weight"))
        XCTAssertFalse(names.contains("edge_importance.3"))
        XCTAssertTrue(names.contains("edge_importance.4"))
    }

    func testMalformedInputsGiveOneLineErrors() throws {
        let weights = try writeWeights()
        let out = folder.appendingPathComponent("never.safetensors")

        let pt = folder.appendingPathComponent("full.pt")
        XCTAssertEqual(try CommandRunner.run(["convert", weights.path, pt.path]).status, 0)
        let truncatedPT = folder.appendingPathComponent("truncated.pt")
        try Data(try Data(contentsOf: pt).prefix(5000)).write(to: truncatedPT)
        try assertFails(["convert", truncatedPT.path, out.path], mentioning: ["truncated.pt"])
        let truncatedSafetensors = folder.appendingPathComponent("truncated.safetensors")
        try Data(try Data(contentsOf: weights).prefix(3000)).write(to: truncatedSafetensors)
        try assertFails(["convert", truncatedSafetensors.path, out.path], mentioning: ["truncated.safetensors"])
        let empty = folder.appendingPathComponent("empty.pth")
        try Data().write(to: empty)
        try assertFails(["convert", empty.path, out.path], mentioning: ["empty.pth"])

        let wrongExtension = folder.appendingPathComponent("weights.bin")
        try FileManager.default.copyItem(at: weights, to: wrongExtension)
        try assertFails(["convert", wrongExtension.path, out.path], mentioning: ["weights.bin", ".safetensors, .pt or .pth"])
        try assertFails(["convert", weights.path, folder.appendingPathComponent("out.txt").path],
                        mentioning: ["out.txt", ".safetensors, .pt or .pth"])
        let notAPT = folder.appendingPathComponent("text.pt")
        try Data("hello, world".utf8).write(to: notAPT)
        try assertFails(["convert", notAPT.path, out.path], mentioning: ["text.pt", "not a PyTorch checkpoint"])
        try assertFails(["convert", folder.appendingPathComponent("absent.pt").path, out.path], mentioning: ["absent.pt", "not found"])
        try assertFails(["convert", weights.path, out.path, "--layout", "ntu-rgb+d"],
                        mentioning: ["weights.safetensors", "mis-shaped"])
        try assertFails(["convert", weights.path, out.path, "--layout", "no-such-layout"], mentioning: ["no-such-layout"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no output after a failure")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }, [])
    }

    func testExportONNXWritesAModelAndRejectsBadOptions() throws {
        let weights = try writeWeights(), config = try writeConfig()
        let model = folder.appendingPathComponent("model.onnx")
        let result = try CommandRunner.run(["export-onnx", "-c", config.path, "--weights", weights.path, "-o", model.path,
                                            "--frames", "17", "--persons", "1"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("(batch, 3, 17, 18, 1)"), result.output)
        let bytes = try Data(contentsOf: model)
        XCTAssertEqual(Array(bytes.prefix(2)), [0x08, 0x08], "ir_version 8 for opset 17")
        XCTAssertGreaterThan(bytes.count, 4 * 1_000_000)

        let out = folder.appendingPathComponent("never.onnx").path
        try assertFails(["export-onnx", "-c", config.path, "--weights", weights.path, "-o", out, "--opset", "9"],
                        mentioning: ["opset 9", "13"])
        try assertFails(["export-onnx", "-c", config.path, "--weights", weights.path, "-o", out, "--frames", "0"],
                        mentioning: ["frames"])
        try assertFails(["export-onnx", "-c", try writeConfig(classes: 4).path, "--weights", weights.path, "-o", out],
                        mentioning: ["fcn.weight"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
