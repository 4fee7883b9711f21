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
    /// A 64-bit seed mixed from `seed` and `keys` (SplitMix64 finalizer over each key).
    public static func derive(_ seed: UInt64, _ keys: UInt64...) -> UInt64 {
        var state = mix(seed ^ 0x5EED_5EED_5EED_5EED)
        for key in keys { state = mix(state ^ mix(key &+ 0x9E37_79B9_7F4A_7C15)) }
        return state
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
