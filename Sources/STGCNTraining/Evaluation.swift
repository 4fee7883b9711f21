import Foundation
import SkeletonData
import STGCNTensor
import STGCNModel

/// Evaluation-mode scores of every sample of a feeder, in feeder order.
public enum Evaluation {
    /// The logits `(count, classCount)` of every sample of `feeder` and their metrics, in
    /// evaluation mode (running BN statistics, no dropout). Batches of `batchSize` are cut in
    /// order; each forward pass takes at most `chunk` of them (results do not depend on it).
    /// Feeder augmentations, if any, draw from a generator seeded with `seed`.
    ///
    /// With a `communicator` of several processes, each computes a contiguous share of the
    /// forward passes and the logits are summed over the processes (every sample's row is
    /// computed by exactly one process, the others contribute zeros), so every process returns
    /// the same logits and metrics as one process would.
    public static func run(network: any ActionRecognitionModel, feeder: Feeder, batchSize: Int, seed: UInt64 = 0,
                           chunk: Int = 16, communicator: any TrainingCommunicator = SingleProcessCommunicator())
        throws -> (metrics: ClassificationMetrics, logits: [Float]) {
        let classes = network.classCount
        // Every forward pass: its seed keys, its sample indices and its first row.
        var passes: [(batch: Int, start: Int, indices: [Int], row: Int)] = []
        var labels: [Int] = []
        labels.reserveCapacity(feeder.count)
        for (index, indices) in feeder.batches(batchSize: max(1, batchSize), shuffle: false, dropLast: false, seed: 0).enumerated() {
            var start = 0
            while start < indices.count {
                let part = Array(indices[start..<min(indices.count, start + max(1, chunk))])
                passes.append((index, start, part, labels.count))
                labels.append(contentsOf: part.map { feeder.labels[$0] })
                start += part.count
            }
        }
        var logits = [Float](repeating: 0, count: labels.count * classes)
        for pass in passes[BatchShard.range(count: passes.count, rank: communicator.rank, size: communicator.size)] {
            var generator = SeededGenerator(seed: RunSeeds.derive(seed, 0xE7A1, UInt64(pass.batch), UInt64(pass.start)))
            let batch = try feeder.batch(indices: pass.indices, using: &generator)
            let output = network.infer(Tensor(shape: batch.shape, scalars: batch.values))
            logits.replaceSubrange((pass.row * classes)..<((pass.row + pass.indices.count) * classes), with: output.scalars)
        }
        if communicator.size > 1 { logits.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        return (ClassificationMetrics(scores: logits, labels: labels, classCount: classes), logits)
    }
}

/// Independent random streams derived from a run's seed and a position, so that a run's
/// random choices depend only on (seed, epoch, batch) and a resumed run repeats them exactly.
public enum RunSeeds {
    /// A 64-bit seed mixed from `seed` and `keys` (one `SplitMix64` step per key).
    public static func derive(_ seed: UInt64, _ keys: UInt64...) -> UInt64 {
        var state = mix(seed ^ 0x5EED_5EED_5EED_5EED)
        for key in keys { state = mix(state ^ mix(key &+ SplitMix64.increment)) }
        return state
    }

    /// The first output of a `SplitMix64` stream seeded with `value`.
    static func mix(_ value: UInt64) -> UInt64 {
        var stream = SplitMix64(seed: value)
        return stream.next()
    }
}
