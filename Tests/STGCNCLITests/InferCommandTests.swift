import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// The real `stgcn` binary on real files: parity with the official logits and one-line errors.
final class InferCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A small official-format config for the openpose layout (V = 18) and 5 classes.
    func writeConfig(extra: String = "", layout: String = "'openpose'") throws -> URL {
        let url = folder.appendingPathComponent("test.yaml")
        try """
        model: net.st_gcn.Model
        model_args:
          in_channels: 3
          num_class: 5
          edge_importance_weighting: True
          graph_args:
            layout: \(layout)
            strategy: 'spatial'
        device: 0
        test_batch_size: 2
        \(extra)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Seeded random weights for that config, saved as safetensors.
    func writeWeights() throws -> (URL, STGCNNetwork) {
        let network = try STGCNNetwork(configuration: ModelConfiguration(classCount: 5, layout: .openpose))
        network.initializeWeights(seed: 3)
        let url = folder.appendingPathComponent("weights.safetensors")
        try network.saveWeights(to: url)
        return (url, network)
    }

    func writeInput(shape: [Int], seed: UInt64 = 5) throws -> (URL, Tensor) {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.nextUniform() - 0.5 }
        let url = folder.appendingPathComponent("input-\(shape.map(String.init).joined(separator: "x")).npy")
        try Npy.write(float32: values, shape: shape, to: url)
        return (url, Tensor(shape: shape, scalars: values))
    }

    func testReproducesOfficialLogitsFromFixture() throws {
        let fixture = try Fixtures.folder("stgcn-ntu-spatial")
        let output = folder.appendingPathComponent("logits.npy")
        let result = try CommandRunner.run([
            "infer", "--config", fixture.appendingPathComponent("test.yaml").path,
            "--weights", fixture.appendingPathComponent("model.safetensors").path,
            "--input", fixture.appendingPathComponent("data.npy").path, "--output", output.path,
        ])
        XCTAssertEqual(result.status, 0, result.error)
        let logits = try Npy.read(contentsOf: output)
        XCTAssertEqual(logits.shape, [2, 10])
        XCTAssertEqual(logits.dtype, .float32)
        let expected = try SafetensorsFile(contentsOf: fixture.appendingPathComponent("io.safetensors"))
            .tensor("logits_eval").floatValues()
        assertLogitsClose(try logits.floatValues(), expected, "stgcn infer vs logits_eval")
    }

    func testLogitsMatchTheLibraryAndBatchingDoesNotMatter() throws {
        let config = try writeConfig()
        let (weights, network) = try writeWeights()
        let (input, tensor) = try writeInput(shape: [3, 3, 7, 18, 2])
        let output = folder.appendingPathComponent("out.npy")
        let result = try CommandRunner.run(["infer", "-c", config.path, "--weights", weights.path,
                                            "--input", input.path, "--output", output.path, "--batch-size", "2"])
        XCTAssertEqual(result.status, 0, result.error)
        let logits = try Npy.read(contentsOf: output).floatValues()
        let expected = network.forward(tensor, training: false)
        assertLogitsClose(logits, expected.scalars, "CLI (batches of 2) vs one forward of 3")
    }

    func assertFails(_ arguments: [String], mentioning fragments: [String],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandRunner.run(arguments)
        XCTAssertNotEqual(result.status, 0, "expected failure: \(arguments)", file: file, line: line)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, "one-line error expected, got: \(message)",
                       file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "\"\(message)\" should mention \"\(fragment)\"", file: file, line: line)
        }
    }

    func testBadInputsGiveOneLineErrors() throws {
        let config = try writeConfig()
        let (weights, _) = try writeWeights()
        let out = folder.appendingPathComponent("never.npy").path
        let base = ["infer", "-c", config.path, "--weights", weights.path, "--output", out]

        let (wrongJoints, _) = try writeInput(shape: [1, 3, 5, 25, 2])
        try assertFails(base + ["--input", wrongJoints.path], mentioning: [wrongJoints.lastPathComponent, "V=25", "V=18"])
        let (wrongChannels, _) = try writeInput(shape: [1, 2, 5, 18, 2])
        try assertFails(base + ["--input", wrongChannels.path], mentioning: ["C=2", "C=3"])
        let (fourD, _) = try writeInput(shape: [3, 5, 18, 2])
        try assertFails(base + ["--input", fourD.path], mentioning: ["5 dimensions"])

        let double = folder.appendingPathComponent("double.npy")
        try Npy.write(NpyArray(dtype: .float64, shape: [1, 3, 2, 18, 1],
                               data: Data(count: 8 * 3 * 2 * 18)), to: double)
        try assertFails(base + ["--input", double.path], mentioning: ["double.npy", "float32"])
        let fortran = folder.appendingPathComponent("fortran.npy")
        try Npy.write(NpyArray(dtype: .float32, shape: [1, 3, 2, 18, 1], isFortranOrder: true,
                               data: Data(count: 4 * 3 * 2 * 18)), to: fortran)
        try assertFails(base + ["--input", fortran.path], mentioning: ["fortran.npy", "Fortran"])
        let garbage = folder.appendingPathComponent("garbage.npy")
        try Data("not a numpy file".utf8).write(to: garbage)
        try assertFails(base + ["--input", garbage.path], mentioning: ["garbage.npy"])

        try assertFails(base + ["--input", folder.appendingPathComponent("absent.npy").path], mentioning: ["absent.npy", "not found"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output after a failure")
    }

    func testBadConfigsAndWeightsGiveOneLineErrors() throws {
        let (weights, _) = try writeWeights()
        let (input, _) = try writeInput(shape: [1, 3, 4, 18, 2])
        let out = folder.appendingPathComponent("never.npy").path
        func infer(_ config: URL, weights: URL) -> [String] {
            ["infer", "-c", config.path, "--weights", weights.path, "--input", input.path, "--output", out]
        }
        // Unknown keys are warnings in every command (HostileInputCommandTests.testUnknownKeysAreWarningsInEveryCommand).
        let unknownLayout = try writeConfig(layout: "'kinect-v9'")
        try assertFails(infer(unknownLayout, weights: weights), mentioning: ["kinect-v9", "model_args.graph_args.layout"])
        let wrongType = try writeConfig().path
        try String(contentsOfFile: wrongType, encoding: .utf8).replacingOccurrences(of: "num_class: 5", with: "num_class: five")
            .write(toFile: wrongType, atomically: true, encoding: .utf8)
        try assertFails(infer(URL(fileURLWithPath: wrongType), weights: weights), mentioning: ["model_args.num_class", "integer"])
        try assertFails(infer(folder.appendingPathComponent("absent.yaml"), weights: weights), mentioning: ["absent.yaml"])

        // Weights of another model: every mismatch is named.
        let ntuConfig = try writeConfig(layout: "'ntu-rgb+d'")
        try assertFails(infer(ntuConfig, weights: weights), mentioning: ["weights.safetensors", "mis-shaped", "edge_importance.0"])
        try assertFails(infer(try writeConfig(), weights: folder.appendingPathComponent("absent.safetensors")),
                        mentioning: ["absent.safetensors", "not found"])
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try Data(try Data(contentsOf: weights).prefix(1000)).write(to: truncated)
        try assertFails(infer(try writeConfig(), weights: truncated), mentioning: ["truncated.safetensors"])
    }

    func testGraphCommandPrintsThePartition() throws {
        let result = try CommandRunner.run(["graph", "--layout", "openpose", "--strategy", "spatial"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("openpose"), result.output)
        let unknown = try CommandRunner.run(["graph", "--layout", "nope"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.error.contains("nope"), unknown.error)
    }
}
