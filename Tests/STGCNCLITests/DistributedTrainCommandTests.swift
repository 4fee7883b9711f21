import Foundation
import XCTest
import STGCN
import STGCNTestSupport

/// `mpirun -np 2 stgcn train`: one model trained by two processes on shards of each global
/// batch. Skipped (with a message) where `mpirun` is absent; CI installs Open MPI.
///
/// The tiny experiment's feeder draws `random_choose` and `random_move` augmentations, and its
/// batch of 5 splits unevenly (2 + 3 samples), so the tests cover replaying the augmentation
/// stream and exact gradient weighting of uneven shards. Dropout is 0: masks are drawn per
/// process tensor, so with dropout the N-rank run draws different (equally distributed) masks.
final class DistributedTrainCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        _ = try MPIRunner.require()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stgcn-mpi-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// The largest parameter difference after training, relative to each tensor's largest
    /// value (at least 0.01, so that the ~1e-10 biases before a batch norm, whose gradient is
    /// zero up to rounding, do not dominate).
    ///
    /// Measured on this machine (2 epochs × 2 steps, batch 5 split 2 + 3): 2 ranks with sync_bn
    /// vs one process 7.7e-6 (after one step ~4e-7: float rounding, which then grows through
    /// the batch norms; a one-process run with 1 vs 2 threads drifts apart the same way);
    /// 2 ranks without sync_bn 2.5.
    static let tolerance = 1e-4

    func largestDifference(_ a: URL, _ b: URL) throws -> Double {
        let x = try SafetensorsFile(contentsOf: a), y = try SafetensorsFile(contentsOf: b)
        XCTAssertEqual(x.names, y.names)
        var largest = 0.0
        for name in x.names {
            guard let u = x[name], u.dtype == .float32, let v = y[name] else { continue }
            let p = try u.floatValues(), q = try v.floatValues()
            let scale = max(0.01, p.map { abs(Double($0)) }.max() ?? 0)
            for (s, t) in zip(p, q) { largest = max(largest, abs(Double(s) - Double(t)) / scale) }
        }
        return largest
    }

    func metrics(_ work: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: work.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func arguments(_ config: URL, work: String, epochs: Int = 2, batch: Int = 5, extra: [String] = []) -> [String] {
        ["train", "-c", config.path, "--work-dir", folder.appendingPathComponent(work).path, "--num-epoch", "\(epochs)",
         "--batch-size", "\(batch)", "--test-batch-size", "3", "--model-args.dropout", "0", "--save-interval", "1", "--threads", "1"] + extra
    }

    func testTwoRanksWithSyncBNTrainWhatOneProcessTrains() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 2)
        let config = try experiment.writeConfig()
        let single = try CommandRunner.run(arguments(config, work: "single"))
        XCTAssertEqual(single.status, 0, single.error)
        let synced = try MPIRunner.run(ranks: 2, arguments(config, work: "synced", extra: ["--sync-bn", "true", "--check-replicas"]))
        XCTAssertEqual(synced.status, 0, synced.output + synced.error)
        XCTAssertTrue(synced.output.contains("MPI: 2 ranks started by mpirun (Open MPI); global batch 5 = 2-3 samples per rank; sync_bn on"),
                      synced.output)
        // Without sync_bn the running statistics are averaged after every step, so the replica
        // check (parameters and buffers) holds too.
        let perRank = try MPIRunner.run(ranks: 2, arguments(config, work: "per-rank", extra: ["--check-replicas"]))
        XCTAssertEqual(perRank.status, 0, perRank.output + perRank.error)

        let weights = "epoch2_model.safetensors"
        let syncedDifference = try largestDifference(folder.appendingPathComponent("single/\(weights)"),
                                                     folder.appendingPathComponent("synced/\(weights)"))
        let perRankDifference = try largestDifference(folder.appendingPathComponent("single/\(weights)"),
                                                      folder.appendingPathComponent("per-rank/\(weights)"))
        print("largest relative parameter difference vs one process: sync_bn \(syncedDifference), per-rank BN \(perRankDifference)")
        XCTAssertLessThan(syncedDifference, Self.tolerance)
        // Per-rank statistics normalize each shard by itself: a different computation.
        XCTAssertGreaterThan(perRankDifference, 100 * Self.tolerance)

        // Losses, accuracies and the sharded evaluation agree; only rank 0 wrote the files.
        let one = try metrics(folder.appendingPathComponent("single")), two = try metrics(folder.appendingPathComponent("synced"))
        XCTAssertEqual(one.count, 2)
        XCTAssertEqual(two.count, 2)
        for (a, b) in zip(one, two) {
            XCTAssertEqual(a["train_samples"] as? Int, b["train_samples"] as? Int)
            XCTAssertEqual(a["train_accuracy"] as? Double, b["train_accuracy"] as? Double)
            let lossA = try XCTUnwrap(a["train_loss"] as? Double), lossB = try XCTUnwrap(b["train_loss"] as? Double)
            XCTAssertEqual(lossA, lossB, accuracy: 1e-5 * max(1, abs(lossA)))
            let testA = try XCTUnwrap(a["test"] as? [String: Any]), testB = try XCTUnwrap(b["test"] as? [String: Any])
            XCTAssertEqual(testA["samples"] as? Int, 6)
            XCTAssertEqual(testB["samples"] as? Int, 6)
            XCTAssertEqual(try XCTUnwrap(testA["loss"] as? Double), try XCTUnwrap(testB["loss"] as? Double), accuracy: 1e-4)
        }
        let log = try String(contentsOf: folder.appendingPathComponent("synced/log.txt"), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "Training epoch: 0").count, 2, "rank 0 alone writes the log")
    }

    func testACheckpointResumesOnAnotherRankCount() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 4, testPerClass: 1)
        let config = try experiment.writeConfig()
        let sync = ["--sync-bn", "true"]
        // Reference: 2 epochs straight, on 2 ranks and in one process.
        let straightTwo = try MPIRunner.run(ranks: 2, arguments(config, work: "straight2", extra: sync))
        XCTAssertEqual(straightTwo.status, 0, straightTwo.output + straightTwo.error)
        let straightOne = try CommandRunner.run(arguments(config, work: "straight1", extra: sync))
        XCTAssertEqual(straightOne.status, 0, straightOne.error)
        // Epoch 1 on 2 ranks, then epoch 2 on 2 ranks (same count) and in one process (another count).
        for work in ["same", "other"] {
            let first = try MPIRunner.run(ranks: 2, arguments(config, work: work, epochs: 1, extra: sync))
            XCTAssertEqual(first.status, 0, first.output + first.error)
        }
        let same = try MPIRunner.run(ranks: 2, arguments(config, work: "same", extra: sync + ["--resume"]))
        XCTAssertEqual(same.status, 0, same.output + same.error)
        XCTAssertTrue(same.output.contains("Resumed from"), same.output)
        let other = try CommandRunner.run(arguments(config, work: "other", extra: sync + ["--resume"]))
        XCTAssertEqual(other.status, 0, other.error)

        let weights = "epoch2_model.safetensors"
        let sameBytes = try Data(contentsOf: folder.appendingPathComponent("same/\(weights)"))
        XCTAssertEqual(sameBytes, try Data(contentsOf: folder.appendingPathComponent("straight2/\(weights)")),
                       "resuming on the same rank count is bit-identical")
        XCTAssertLessThan(try largestDifference(folder.appendingPathComponent("other/\(weights)"),
                                                folder.appendingPathComponent("straight1/\(weights)")), Self.tolerance)
        XCTAssertEqual(try metrics(folder.appendingPathComponent("other")).count, 2)
        // And a one-process checkpoint continues on 2 ranks.
        let more = try MPIRunner.run(ranks: 2, arguments(config, work: "other", epochs: 3, extra: sync + ["--resume"]))
        XCTAssertEqual(more.status, 0, more.output + more.error)
        XCTAssertEqual(try metrics(folder.appendingPathComponent("other")).count, 3)
    }

    func testRanksStartedWithDifferentSettingsStopAtTheStart() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1)
        let config = try experiment.writeConfig()
        let result = try MPIRunner.run(ranks: 2, [], perRank: [arguments(config, work: "w", extra: ["--seed", "1"]),
                                                              arguments(config, work: "w", extra: ["--seed", "2"])], timeout: 300)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("of 2: the 2 processes disagree on the training settings"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("w/epoch1_model.safetensors").path))
    }

    func testAnErrorOnOneRankEndsTheWholeJobWithOneLineNamingIt() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1)
        let config = try experiment.writeConfig()
        let missing = folder.appendingPathComponent("absent.npy").path
        let result = try MPIRunner.run(ranks: 2, [], perRank: [arguments(config, work: "w"),
                                                              arguments(config, work: "w", extra: ["--train-feeder-args.data-path", missing])],
                                       timeout: 300)
        XCTAssertNotEqual(result.status, 0)
        let lines = result.error.split(separator: "\n").filter { $0.hasPrefix("stgcn train: rank 1 of 2: ") }
        XCTAssertEqual(lines.count, 1, result.error)
        XCTAssertTrue(lines.first?.contains("absent.npy") ?? false, result.error)
    }

    func testMoreRanksThanSamplesPerBatchIsRefused() throws {
        let experiment = try TinyExperiment(folder: folder, trainPerClass: 2, testPerClass: 1)
        let config = try experiment.writeConfig()
        let result = try MPIRunner.run(ranks: 3, arguments(config, work: "w", batch: 2), timeout: 300)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("batch_size 2 is smaller than the 3 processes"), result.error)
    }
}
