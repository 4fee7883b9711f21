import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `kill -9` at random moments of a training run (while loading, mid-epoch, while evaluating
/// or writing checkpoints and weights), each time continued with `--resume`: the run must end
/// with the same weights, byte for byte, as one that was never killed, and leave no temporary
/// file behind. The kernel drops a killed process's work_dir lock, so no restart is refused.
final class KillResumeCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-kill-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Where a killed attempt was, from what it printed.
    enum Moment: String, CaseIterable {
        case beforeTraining = "before training"
        case midEpoch = "mid-epoch"
        case evaluating = "after an epoch's batches (evaluating, writing metrics and epoch weights)"
        case checkpointing = "after the epoch weights (writing the checkpoint and report)"
    }

    static func moment(ofOutput output: String) -> Moment {
        guard let started = output.range(of: "Training epoch: ", options: .backwards) else { return .beforeTraining }
        let rest = output[started.upperBound...]
        if rest.contains("The model has been saved as") { return .checkpointing }
        return rest.contains("\tmean_loss") ? .evaluating : .midEpoch
    }

    func testKill9AtRandomMomentsThenResumeEndsBitIdenticalWithNoTemporaries() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
        let config = try experiment.writeConfig()
        let epochs = 3
        let arguments = ["train", "-c", config.path, "--num-epoch", "\(epochs)", "--save-interval", "1"]
        let finalWeights = "epoch\(epochs)_model.safetensors"

        // The reference: one uninterrupted run, timed to scale the kill delays.
        let straight = folder.appendingPathComponent("straight")
        let clock = Date()
        let reference = try CommandRunner.run(arguments + ["--work-dir", straight.path])
        let duration = Date().timeIntervalSince(clock)
        XCTAssertEqual(reference.status, 0, reference.error)

        // The killed run: each attempt resumes when a checkpoint exists, overwrites the weights of an
        // attempt killed before its first checkpoint, else starts. Until `killBudget` kills have
        // happened, every attempt is killed at a seeded random moment, in turn: anywhere in the run;
        // within 0.5 s after an epoch's batches are done (evaluating, writing metrics and epoch
        // weights); within 0.2 s after the epoch weights are written (writing the checkpoint); the
        // moment the temporary of an atomic write (checkpoint or epoch weights, chosen at random)
        // appears, i.e. inside that write. The last attempt runs to the end.
        let work = folder.appendingPathComponent("killed")
        let killBudget = 12
        var generator = SeededGenerator(seed: 0x6B11)
        var moments: [Moment: Int] = [:]
        var kills = 0, attempts = 0, killsLeavingTemporaries = 0
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []).filter { $0.contains(".tmp-") || $0.hasPrefix(".dat.nosync") }
        }
        /// Waits until a temporary whose name starts with `.<prefix>` appears (true) or the run ends.
        func waitForTemporary(_ prefix: String, of run: BackgroundRun) -> Bool {
            let deadline = Date().addingTimeInterval(2 * duration + 30)
            while run.process.isRunning && Date() < deadline {
                if temporaries().contains(where: { $0.hasPrefix("." + prefix) }) { return true }
                usleep(500)
            }
            return false
        }
        while true {
            attempts += 1
            XCTAssertLessThan(attempts, 60, "the killed run does not finish")
            guard attempts < 60 else { return }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
            var attempt = arguments + ["--work-dir", work.path]
            if names.contains("checkpoint.safetensors") {
                attempt.append("--resume")
            } else if names.contains(where: { $0.hasSuffix("_model.safetensors") }) {
                attempt.append("--overwrite")
            }
            let run = try BackgroundRun(attempt, logs: folder.appendingPathComponent("attempt\(attempts)"))
            if kills < killBudget {
                let uniform = TimeInterval(generator.nextUniform())
                var alive: Bool
                switch kills % 4 {
                case 0:
                    alive = !run.waitForExit(timeout: uniform * 0.5 * duration)
                case 1:
                    alive = run.waitForOutput("Eval epoch: ", timeout: 2 * duration + 30) && !run.waitForExit(timeout: uniform * 0.5)
                case 2:
                    alive = run.waitForOutput("The model has been saved as", timeout: 2 * duration + 30) && !run.waitForExit(timeout: uniform * 0.2)
                default:
                    let targets = ["checkpoint.safetensors", "epoch"]  // the large writes, whose temporaries live long enough to see
                    alive = waitForTemporary(targets[min(targets.count - 1, Int(uniform * Double(targets.count)))], of: run)
                }
                alive = alive && run.process.isRunning
                if alive {
                    run.signal(SIGKILL)
                    kills += 1
                    moments[Self.moment(ofOutput: run.output), default: 0] += 1
                    if !temporaries().isEmpty { killsLeavingTemporaries += 1 }
                    continue
                }
            }
            XCTAssertTrue(run.waitForExit(timeout: 20 * duration + 60), "the attempt ends")
            XCTAssertFalse(run.error.contains("in use"), "a killed run's lock is released: \(run.error)")
            XCTAssertEqual(run.process.terminationStatus, 0, "attempt \(attempts) \(attempt.suffix(1)): \(run.error)")
            break
        }
        print("kill -9 test: \(kills) kills in \(attempts) attempts (reference run \(String(format: "%.1f", duration)) s): "
              + Moment.allCases.map { "\(moments[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ")
              + "; \(killsLeavingTemporaries) left a temporary file (killed inside an atomic write)")
        XCTAssertGreaterThan(kills, killBudget / 2, "most attempts were killed")
        XCTAssertGreaterThan(killsLeavingTemporaries, 0, "some kills landed inside an atomic write")

        XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent(finalWeights)),
                       try Data(contentsOf: straight.appendingPathComponent(finalWeights)), "final weights byte-identical")
        let killedCheckpoint = try SafetensorsFile(contentsOf: work.appendingPathComponent("checkpoint.safetensors"))
        let straightCheckpoint = try SafetensorsFile(contentsOf: straight.appendingPathComponent("checkpoint.safetensors"))
        XCTAssertEqual(killedCheckpoint.tensors.keys.sorted(), straightCheckpoint.tensors.keys.sorted())
        let differing = killedCheckpoint.tensors.filter { straightCheckpoint.tensors[$0.key]?.bytes != $0.value.bytes }.map(\.key)
        XCTAssertEqual(differing, [], "weights and momentum of the checkpoints")
        let metrics = try String(contentsOf: work.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, epochs)
        let names = try FileManager.default.contentsOfDirectory(atPath: work.path)
        XCTAssertEqual(names.filter { $0.contains(".tmp-") || $0.hasPrefix(".dat.nosync") }, [], "no temporaries: \(names.sorted())")
        XCTAssertEqual(Set(names), Set(try FileManager.default.contentsOfDirectory(atPath: straight.path)), "the same files")
    }
}
