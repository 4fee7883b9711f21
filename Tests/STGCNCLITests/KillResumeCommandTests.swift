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
        case evaluatingOrSaving = "after an epoch's batches (evaluating or saving)"
    }

    static func moment(ofOutput output: String) -> Moment {
        guard let started = output.range(of: "Training epoch: ", options: .backwards) else { return .beforeTraining }
        return output[started.upperBound...].contains("\tmean_loss") ? .evaluatingOrSaving : .midEpoch
    }

    func testKill9AtRandomMomentsThenResumeEndsBitIdenticalWithNoTemporaries() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
        let config = try experiment.writeConfig()
        let epochs = 4
        let arguments = ["train", "-c", config.path, "--num-epoch", "\(epochs)", "--save-interval", "1"]
        let finalWeights = "epoch\(epochs)_model.safetensors"

        // The reference: one uninterrupted run, timed to scale the kill delays.
        let straight = folder.appendingPathComponent("straight")
        let clock = Date()
        let reference = try CommandRunner.run(arguments + ["--work-dir", straight.path])
        let duration = Date().timeIntervalSince(clock)
        XCTAssertEqual(reference.status, 0, reference.error)

        // The killed run: each attempt resumes when a checkpoint exists, overwrites the weights of an
        // attempt killed before its first checkpoint, else starts; it is killed after a seeded random
        // delay, until `killBudget` kills have happened; the last attempt runs to the end.
        let work = folder.appendingPathComponent("killed")
        let killBudget = 14
        var generator = SeededGenerator(seed: 0x6B11)
        var moments: [Moment: Int] = [:]
        var kills = 0, attempts = 0
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
                let delay = TimeInterval(generator.nextUniform()) * duration
                if !run.waitForExit(timeout: delay) {
                    run.signal(SIGKILL)
                    kills += 1
                    moments[Self.moment(ofOutput: run.output), default: 0] += 1
                    continue
                }
            } else {
                XCTAssertTrue(run.waitForExit(timeout: 20 * duration + 60), "the last attempt ends")
            }
            XCTAssertFalse(run.error.contains("in use"), "a killed run's lock is released: \(run.error)")
            XCTAssertEqual(run.process.terminationStatus, 0, "attempt \(attempts) \(attempt.suffix(1)): \(run.error)")
            break
        }
        print("kill -9 test: \(kills) kills in \(attempts) attempts (reference run \(String(format: "%.1f", duration)) s): "
              + Moment.allCases.map { "\(moments[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", "))

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
