import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// One run per work_dir: the lock, `--resume` / `--overwrite` for a directory holding an earlier
/// run, and the clean-up of temporaries a killed run left behind.
final class WorkDirectoryCommandTests: XCTestCase {
    var folder: URL!
    var experiment: TinyExperiment!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-workdir-\(UUID().uuidString)")
        experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testASecondRunOnTheSameWorkDirFailsAtOnceNamingTheHoldersPid() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("shared")
        let first = try BackgroundRun(["train", "-c", config.path, "--num-epoch", "50", "--work-dir", work.path],
                                      logs: folder.appendingPathComponent("first"))
        defer { if first.process.isRunning { first.signal(SIGKILL) } }
        XCTAssertTrue(first.waitForOutput("Training epoch: 0"), "first run started: \(first.output) \(first.error)")

        let started = Date()
        let second = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path])
        XCTAssertEqual(second.status, 1, "second run must fail: \(second.output)")
        XCTAssertEqual(second.error.split(separator: "\n").count, 1, second.error)
        XCTAssertTrue(second.error.contains("pid \(first.pid)"), "names the holder's pid \(first.pid): \(second.error)")
        XCTAssertTrue(second.error.contains(work.path), second.error)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "fails at once, without training")
        XCTAssertTrue(first.process.isRunning, "the first run goes on")
        // The second run wrote nothing: the log holds one run's header.
        let log = try String(contentsOf: work.appendingPathComponent("log.txt"), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "ST-GCN tiny").count - 1, 1, log)

        first.signal(SIGKILL)
        // kill -9 releases the lock: the next run resumes or starts, it is not refused.
        let after = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path, "--overwrite"])
        XCTAssertEqual(after.status, 0, after.error)
    }

    func testAFreshRunInAFinishedWorkDirNeedsResumeOrOverwrite() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("finished")
        let first = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "2", "--save-interval", "1", "--work-dir", work.path])
        XCTAssertEqual(first.status, 0, first.error)
        let checkpoint = work.appendingPathComponent("checkpoint.safetensors")
        let before = try Data(contentsOf: checkpoint)

        let again = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path])
        XCTAssertEqual(again.status, 1, "a fresh run must not overwrite: \(again.output)")
        XCTAssertEqual(again.error.split(separator: "\n").count, 1, again.error)
        for part in [work.path, "--resume", "--overwrite", "checkpoint.safetensors"] {
            XCTAssertTrue(again.error.contains(part), "mentions \(part): \(again.error)")
        }
        XCTAssertEqual(try Data(contentsOf: checkpoint), before, "the checkpoint is untouched")

        let both = try CommandRunner.run(["train", "-c", config.path, "--work-dir", work.path, "--resume", "--overwrite"])
        XCTAssertNotEqual(both.status, 0)

        // --overwrite removes the earlier run's files first: no epoch2 file, one metrics line, a fresh log.
        let overwritten = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path, "--overwrite"])
        XCTAssertEqual(overwritten.status, 0, overwritten.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("epoch2_model.safetensors").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("epoch1_model.safetensors").path))
        let metrics = try String(contentsOf: work.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 1, metrics)
        let log = try String(contentsOf: work.appendingPathComponent("log.txt"), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "ST-GCN tiny").count - 1, 1, "one run's log: \(log)")
        XCTAssertNotEqual(try Data(contentsOf: checkpoint), before)
    }

    func testTemporariesOfAKilledRunAreRemovedWhenTheNextRunStarts() throws {
        let config = try experiment.writeConfig()
        let work = folder.appendingPathComponent("stale")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let stale = [".checkpoint.safetensors.tmp-\(UUID().uuidString)", ".epoch1_model.safetensors.tmp-\(UUID().uuidString)",
                     ".metrics.jsonl.tmp-\(UUID().uuidString)", ".dat.nosyncA1b2C3"]
        let kept = ["notes.txt", ".hidden", "data.tmp-\(UUID().uuidString)", ".x.tmp-not-a-uuid"]
        for name in stale + kept {
            try Data("partial".utf8).write(to: work.appendingPathComponent(name))
        }
        let run = try CommandRunner.run(["train", "-c", config.path, "--num-epoch", "1", "--work-dir", work.path])
        XCTAssertEqual(run.status, 0, run.error)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: work.path))
        for name in stale { XCTAssertFalse(names.contains(name), "\(name) removed; left: \(names.sorted())") }
        for name in kept { XCTAssertTrue(names.contains(name), "\(name) kept (not a temporary of ours)") }
        XCTAssertTrue(run.output.contains("Removed 4 temporary file(s)"), run.output)
    }
}
