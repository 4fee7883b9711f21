/// What one training epoch did: one line of `metrics.jsonl`, one point of the report's curves.
/// Non-finite numbers are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (`TrainingJSON`).
public struct EpochRecord: Codable, Sendable, Equatable {
    /// The epoch (0-based, as the official trainer counts).
    public var epoch: Int
    /// The learning rate used throughout the epoch.
    public var learningRate: Double
    /// The mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// The fraction of training samples the model classified correctly while training (train mode).
    public var trainAccuracy: Double
    /// Training samples seen.
    public var trainSamples: Int
    /// Wall-clock seconds of training in this epoch (evaluation excluded).
    public var seconds: Double
    /// Training throughput.
    public var clipsPerSecond: Double
    /// The evaluation after this epoch, when one ran.
    public var evaluation: EvaluationRecord?

    enum CodingKeys: String, CodingKey {
        case epoch, learningRate = "lr", trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case trainSamples = "train_samples", seconds, clipsPerSecond = "clips_per_second", evaluation = "test"
    }

    /// A record.
    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double, trainSamples: Int,
                seconds: Double, clipsPerSecond: Double, evaluation: EvaluationRecord? = nil) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.trainSamples = trainSamples
        self.seconds = seconds
        self.clipsPerSecond = clipsPerSecond
        self.evaluation = evaluation
    }
}

/// The summary of one evaluation on the test feeder.
public struct EvaluationRecord: Codable, Sendable, Equatable {
    /// Mean cross-entropy loss.
    public var loss: Double
    /// Top-1 accuracy in [0, 1].
    public var top1: Double
    /// Top-5 accuracy in [0, 1].
    public var top5: Double
    /// Mean of the per-class accuracies.
    public var meanClassAccuracy: Double
    /// Samples evaluated.
    public var samples: Int
    /// Wall-clock seconds.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case loss, top1, top5, meanClassAccuracy = "mean_class_accuracy", samples, seconds
    }

    /// A record of `metrics` measured in `seconds`.
    public init(_ metrics: ClassificationMetrics, seconds: Double) {
        loss = metrics.meanLoss ?? 0
        top1 = metrics.top1
        top5 = metrics.top5
        meanClassAccuracy = metrics.meanClassAccuracy
        samples = metrics.sampleCount
        self.seconds = seconds
    }
}
