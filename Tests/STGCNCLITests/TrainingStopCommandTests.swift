import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// How a training run stops other than by finishing: SIGTERM (as SIGINT, a resumable checkpoint
/// and a non-zero exit) and divergence (a one-line error, the last finite checkpoint kept).
final class TrainingStopCommandTests: XCTestCase {
    var folder: URL!
    var experiment: TinyExperiment!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-stop-\(UUID().uuidString)")
        experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func trainingState(_ checkpoint: URL) throws -> TrainingState {
        let file = try SafetensorsFile(contentsOf: checkpoint)
        let json = try XCTUnwrap(file.metadata[TrainingCheckpoint.stateKey])
        return try TrainingState(json: try JSONReader.parse(json))
    }

    /// Every float tensor of a safetensors file, finite or not.
    func nonFiniteTensors(_ url: URL) throws -> [String] {
        let file = try SafetensorsFile(contentsOf: url)
        return try file.tensors.compactMap { key, tensor in
            guard tensor.dtype == .float32 else { return nil }
            return try tensor.floatValues().allSatisfy(\.isFinite) ? nil : key
        }
    }

    func testSIGTERMSavesAResumableCheckpointAndExits143() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("terminated")
        let run = try BackgroundRun(["train", "-c", config.path, "--num-epoch", "50", "--work-dir", work.path],
                                    logs: folder.appendingPathComponent("run"))
        defer { if run.process.isRunning { run.signal(SIGKILL) } }
        XCTAssertTrue(run.waitForOutput("Training epoch: 1"), "\(run.output) \(run.error)")
        run.signal(SIGTERM)
        XCTAssertEqual(run.process.terminationReason, .exit, "exits, is not killed by the signal")
        XCTAssertEqual(run.process.terminationStatus, 143)
        XCTAssertTrue(run.error.contains("SIGTERM"), run.error)
        XCTAssertTrue(run.output.contains("Interrupted by SIGTERM. Continue with:"), run.output)
        let state = try trainingState(work.appendingPathComponent("checkpoint.safetensors"))
        XCTAssertGreaterThanOrEqual(state.epoch, 1)
        XCTAssertEqual(state.history.count, state.epoch)

        let resumed = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "3", "--work-dir", work.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(resumed.output.contains("Resumed from"), resumed.output)
    }

    func testADivergingRunStopsWithOneLineErrorAndKeepsTheLastFiniteCheckpoint() throws {
        let config = try experiment.writeConfig()
        // Fresh and diverging at once: an error naming epoch 0 and a batch, no checkpoint written.
        let fresh = folder.appendingPathComponent("fresh")
        let exploded = try CommandRunner.run(["train", "-c", config.path, "--work-dir", fresh.path, "--base-lr", "1000000"])
        XCTAssertEqual(exploded.status, 1, "an error exit, not a trap: \(exploded.output)")
        XCTAssertEqual(exploded.error.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.count, 1, "one line: \(exploded.error)")
        XCTAssertTrue(exploded.error.contains("training diverged at epoch 0, batch "), exploded.error)
        XCTAssertTrue(exploded.error.contains("base_lr"), exploded.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("checkpoint.safetensors").path))

        // One good epoch, then a diverging one: the good checkpoint stays, bit for bit, and resumes.
        let work = folder.appendingPathComponent("kept")
        let good = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path])
        XCTAssertEqual(good.status, 0, good.error)
        let checkpoint = work.appendingPathComponent("checkpoint.safetensors")
        let goodBytes = try Data(contentsOf: checkpoint)
        let diverged = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "3", "--work-dir", work.path,
                                              "--resume", "--base-lr", "1000000"])
        XCTAssertEqual(diverged.status, 1, diverged.output)
        XCTAssertEqual(diverged.error.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.count, 1, "one line: \(diverged.error)")
        XCTAssertTrue(diverged.error.contains("training diverged at epoch 1, batch "), diverged.error)
        XCTAssertTrue(diverged.error.contains("still holds epoch 1, batch 0"), diverged.error)
        XCTAssertEqual(try Data(contentsOf: checkpoint), goodBytes, "the last finite checkpoint is kept")
        XCTAssertEqual(try nonFiniteTensors(checkpoint), [])
        for name in ["report.html", "metrics.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent(name).path), name)
        }
        let resumed = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "2", "--work-dir", work.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertEqual(try trainingState(checkpoint).epoch, 2)
        XCTAssertEqual(try nonFiniteTensors(checkpoint), [])
    }
}
