import SkeletonData
import STGCNModel

/// 64-bit FNV-1a digests of what every process of a data-parallel run must share: the recipe,
/// the data, the weights and the position. Compared across processes at the start of a run
/// (and, with `Trainer.replicaCheckInterval`, of the weights during it) to catch a process
/// started with another config, other data or other weights before it trains something else.
public struct ReplicaFingerprint: Equatable, Sendable {
    /// The recipe: every setting that changes what is trained (not paths).
    public var recipe: UInt64
    /// The training and test sets: sample counts, sample shapes and every label.
    public var data: UInt64
    /// Every parameter and buffer value, bit for bit.
    public var weights: UInt64
    /// The position (epoch, batch) and the running sums of the epoch in progress.
    public var position: UInt64

    /// The digests of a trainer's configuration, data, model and state.
    public init(configuration: TrainingConfiguration, data: TrainingDataSet, network: any ActionRecognitionModel,
                state: TrainingState) {
        var recipeText = "\(configuration.batchSize) \(configuration.testBatchSize) \(configuration.baseLearningRate) "
        recipeText += "\(configuration.steps) \(configuration.weightDecay) \(configuration.nesterov) \(configuration.epochCount) "
        recipeText += "\(configuration.seed) \(configuration.evalInterval) \(configuration.saveInterval) \(configuration.syncBatchNorm) "
        recipeText += "\(configuration.experiment.architecture) \(configuration.model) \(configuration.feeder) "
        for feeder in [configuration.trainFeeder] + (configuration.testFeeder.map { [$0] } ?? []) {
            recipeText += "\(feeder.options) \(feeder.samplesPerClass) \(feeder.frames) \(feeder.variableLength) \(feeder.center) \(feeder.persons) "
        }
        var digest = Digest()
        digest.add(recipeText)
        recipe = digest.value
        digest = Digest()
        for feeder in [data.train] + (data.test.map { [$0] } ?? []) {
            digest.add(UInt64(feeder.count))
            for extent in feeder.sampleShape { digest.add(UInt64(extent)) }
            for label in feeder.labels { digest.add(UInt64(bitPattern: Int64(label))) }
        }
        self.data = digest.value
        weights = Self.weights(of: network)
        digest = Digest()
        for value in [state.epoch, state.batch, state.correct, state.seen, state.history.count] { digest.add(UInt64(value)) }
        digest.add(state.lossSum.bitPattern)
        position = digest.value
    }

    /// The digest of every parameter and buffer value of `network` (a few milliseconds for the
    /// NTU model).
    public static func weights(of network: any ActionRecognitionModel) -> UInt64 {
        var digest = Digest()
        network.visitParameters(prefix: "") { _, parameter in digest.add(parameter.value) }
        network.visitBuffers(prefix: "") { _, buffer in digest.add(buffer.value) }
        return digest.value
    }

    /// 64-bit FNV-1a.
    struct Digest {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325

        mutating func add(_ word: UInt64) {
            var word = word
            for _ in 0..<8 {
                value = (value ^ (word & 0xFF)) &* 0x0000_0100_0000_01B3
                word >>= 8
            }
        }

        mutating func add(_ text: String) {
            for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }

        mutating func add(_ values: [Float]) {
            var hash = value
            values.withUnsafeBufferPointer { p in
                for x in p {
                    // One multiply per value (not per byte): cheap enough to run every step.
                    hash = (hash ^ UInt64(x.bitPattern)) &* 0x0000_0100_0000_01B3
                }
            }
            value = hash
        }
    }
}
