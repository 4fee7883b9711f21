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
    public static func run(network: any ActionRecognitionModel, feeder: Feeder, batchSize: Int, seed: UInt64 = 0,
                           chunk: Int = 16) throws -> (metrics: ClassificationMetrics, logits: [Float]) {
        let classes = network.classCount
        var logits: [Float] = []
        logits.reserveCapacity(feeder.count * classes)
        var labels: [Int] = []
        for (index, indices) in feeder.batches(batchSize: max(1, batchSize), shuffle: false, dropLast: false, seed: 0).enumerated() {
            var start = 0
            while start < indices.count {
                let part = Array(indices[start..<min(indices.count, start + max(1, chunk))])
                var generator = SeededGenerator(seed: RunSeeds.derive(seed, 0xE7A1, UInt64(index), UInt64(start)))
                let batch = try feeder.batch(indices: part, using: &generator)
                let output = network.infer(Tensor(shape: batch.shape, scalars: batch.values))
                logits.append(contentsOf: output.scalars)
                labels.append(contentsOf: batch.labels)
                start += part.count
            }
        }
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
