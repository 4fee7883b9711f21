import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// The built `stgcn` on the tiny official-format experiment: train, test, predict, the errors
/// that must come before any work, and Ctrl-C followed by --resume.
final class TrainTestPredictCommandTests: XCTestCase {
    var folder: URL!
    var experiment: TinyExperiment!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-train-cli-\(UUID().uuidString)")
        experiment = try TinyExperiment(folder: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testTrainThenTestThenPredict() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("run")
        let train = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "2", "--work-dir", work.path])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.output.contains("\tTop1: "), train.output)
        XCTAssertTrue(train.output.contains("\tTop5: "), train.output)
        XCTAssertTrue(train.output.contains("Report: \(work.path)/report.html"), train.output)
        XCTAssertTrue(train.error.contains("device does not apply"), train.error)
        let metrics = try String(contentsOf: work.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 2)
        let log = try String(contentsOf: work.appendingPathComponent("log.txt"), encoding: .utf8)
        XCTAssertTrue(log.contains("Top1:"))

        let weights = work.appendingPathComponent("epoch2_model.safetensors")
        let scores = folder.appendingPathComponent("scores.npy")
        let perClass = folder.appendingPathComponent("per-class.csv")
        let confusion = folder.appendingPathComponent("confusion.csv")
        let names = folder.appendingPathComponent("label_name.txt")
        try "wave x\nwave y\nstill\n".write(to: names, atomically: true, encoding: .utf8)
        let test = try CommandRunner.run(["test", "-c", config.path, "--weights", weights.path, "--save-scores", scores.path,
                                          "--per-class-csv", perClass.path, "--confusion", confusion.path, "--labels", names.path])
        XCTAssertEqual(test.status, 0, test.error)
        for line in ["\tTop1: ", "\tTop5: ", "Mean class accuracy: "] { XCTAssertTrue(test.output.contains(line), test.output) }
        // The test command's top-1 is the training run's last evaluation.
        let trainTop1 = train.output.components(separatedBy: "\tTop1: ").last?.prefix(while: { $0 != "%" })
        let testTop1 = test.output.components(separatedBy: "\tTop1: ").last?.prefix(while: { $0 != "%" })
        XCTAssertEqual(trainTop1, testTop1)
        XCTAssertEqual(try Npy.read(contentsOf: scores).shape, [6, 3])
        let rows = try String(contentsOf: perClass, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue(rows[2].hasPrefix("1,wave y,2,"), String(rows[2]))
        let matrix = try String(contentsOf: confusion, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(matrix.count, 4)
        XCTAssertEqual(matrix.dropFirst().map { $0.split(separator: ",").dropFirst().compactMap { Int($0) }.reduce(0, +) }, [2, 2, 2])

        // predict: one (C, T, V, M) sample from the validation data.
        let data = try Npy.read(contentsOf: experiment.testData)
        let sample = Array(try data.floatValues().prefix(3 * 6 * 3))
        let input = folder.appendingPathComponent("sample.npy")
        try Npy.write(float32: sample, shape: [3, 6, 3, 1], to: input)
        let predict = try CommandRunner.run(["predict", "--weights", weights.path, "--config", config.path,
                                             "--input", input.path, "--labels", names.path, "--json"])
        XCTAssertEqual(predict.status, 0, predict.error)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(predict.output.utf8)) as? [String: Any])
        let top = try XCTUnwrap(object["top"] as? [[String: Any]])
        XCTAssertEqual(top.count, 3, "3 classes")
        let probabilities = top.compactMap { $0["probability"] as? Double }
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertEqual(probabilities, probabilities.sorted(by: >))
        XCTAssertTrue(["wave x", "wave y", "still"].contains(top[0]["label"] as? String ?? ""))
        let text = try CommandRunner.run(["predict", "--weights", weights.path, "--config", config.path, "--input", input.path])
        XCTAssertEqual(text.status, 0, text.error)
        XCTAssertTrue(text.output.contains("  1. class "), text.output)
    }

    func testErrorsComeBeforeAnyWork() throws {
        let work = folder.appendingPathComponent("never")
        func run(_ extra: String, _ arguments: [String] = []) throws -> CommandRunner.Result {
            let url = folder.appendingPathComponent("bad-\(UUID()).yaml")
            try experiment.config(extra: extra, workDirectory: work).write(to: url, atomically: true, encoding: .utf8)
            return try CommandRunner.run(["train", "-c", url.path] + arguments)
        }
        let wrongType = try run("save_interval: often")
        XCTAssertNotEqual(wrongType.status, 0)
        XCTAssertTrue(wrongType.error.contains("save_interval: expected an integer"), wrongType.error)
        XCTAssertTrue(wrongType.error.contains(".yaml:"), "names file and line: \(wrongType.error)")

        let missing = try run("", ["--train-feeder-args.data-path", folder.appendingPathComponent("nope.npy").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.error.contains("nope.npy: not found (train_feeder_args.data_path)"), missing.error)

        let classes = try run("", ["--model-args.num-class", "2"])
        XCTAssertNotEqual(classes.status, 0)
        XCTAssertTrue(classes.error.contains("label 2 is outside 0..<2"), classes.error)

        let joints = try run("", ["--model-args.graph-args.layout", "openpose"])
        XCTAssertNotEqual(joints.status, 0)
        XCTAssertTrue(joints.error.contains("V=3"), joints.error)

        let batch = try run("", ["--batch-size", "100"])
        XCTAssertNotEqual(batch.status, 0)
        XCTAssertTrue(batch.error.contains("batch_size 100"), batch.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("log.txt").path))

        let unknown = try run("speed: fast", ["--num-epoch", "0"])
        XCTAssertEqual(unknown.status, 0, unknown.error)
        XCTAssertTrue(unknown.error.contains("unknown key speed ignored"), unknown.error)

        let resume = try run("", ["--resume", "--work-dir", folder.appendingPathComponent("empty").path])
        XCTAssertNotEqual(resume.status, 0)
        XCTAssertTrue(resume.error.contains("no checkpoint to resume from"), resume.error)
        for result in [wrongType, missing, classes, joints, batch, resume] {
            XCTAssertEqual(result.error.split(separator: "\n").count, 1, "one line: \(result.error)")
        }
    }

    func testCtrlCSavesACheckpointAndResumeFinishes() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("interrupted")
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("stgcn")
        process.arguments = ["train", "-c", config.path, "--num-epoch", "50", "--work-dir", work.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let log = work.appendingPathComponent("log.txt")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("Training epoch: 1") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let checkpoint = try SafetensorsFile(contentsOf: work.appendingPathComponent("checkpoint.safetensors"))
        let json = try XCTUnwrap(checkpoint.metadata[TrainingCheckpoint.stateKey])
        let state = try TrainingState(json: try JSONReader.parse(json))
        XCTAssertGreaterThanOrEqual(state.epoch, 1, "stopped after epoch 0 finished: \(json)")
        XCTAssertEqual(state.history.count, state.epoch)
        XCTAssertTrue(try String(contentsOf: log, encoding: .utf8).contains("Interrupted by SIGINT. Continue with:"))

        let resumed = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "3", "--work-dir", work.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(resumed.output.contains("Resumed from"), resumed.output)
        XCTAssertTrue(resumed.output.contains("Final accuracy"), resumed.output)
        let lines = try String(contentsOf: work.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
    }
}
