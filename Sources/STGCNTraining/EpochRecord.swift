import SkeletonFormats

/// What one training epoch did: one line of `metrics.jsonl`, one point of the report's curves.
/// Non-finite numbers are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (`TrainingJSON`).
public struct EpochRecord: Sendable, Equatable {
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

    /// The record as one `metrics.jsonl` object (`evaluation` under `test`, absent when none ran).
    public var json: JSONValue {
        var members: [JSONMember] = [
            JSONMember(key: "epoch", value: .integer(epoch)),
            JSONMember(key: "lr", value: .number(learningRate)),
            JSONMember(key: "train_loss", value: .number(trainLoss)),
            JSONMember(key: "train_accuracy", value: .number(trainAccuracy)),
            JSONMember(key: "train_samples", value: .integer(trainSamples)),
            JSONMember(key: "seconds", value: .number(seconds)),
            JSONMember(key: "clips_per_second", value: .number(clipsPerSecond)),
        ]
        if let evaluation { members.append(JSONMember(key: "test", value: evaluation.json)) }
        return .object(members)
    }

    /// Reads what `json` writes; `path` names the value in errors.
    public init(json: JSONValue, path: String = "") throws(JSONAccessError) {
        func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        epoch = try json.member("epoch", path: path).int(field: field("epoch"))
        learningRate = try json.member("lr", path: path).double(field: field("lr"))
        trainLoss = try json.member("train_loss", path: path).double(field: field("train_loss"))
        trainAccuracy = try json.member("train_accuracy", path: path).double(field: field("train_accuracy"))
        trainSamples = try json.member("train_samples", path: path).int(field: field("train_samples"))
        seconds = try json.member("seconds", path: path).double(field: field("seconds"))
        clipsPerSecond = try json.member("clips_per_second", path: path).double(field: field("clips_per_second"))
        evaluation = try json.optionalMember("test", path: path).map { (value) throws(JSONAccessError) in
            try EvaluationRecord(json: value, path: field("test"))
        }
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
public struct EvaluationRecord: Sendable, Equatable {
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

    /// The record as a JSON object.
    public var json: JSONValue {
        .object([
            "loss": .number(loss), "top1": .number(top1), "top5": .number(top5),
            "mean_class_accuracy": .number(meanClassAccuracy), "samples": .integer(samples), "seconds": .number(seconds),
        ])
    }

    /// Reads what `json` writes; `path` names the value in errors.
    public init(json: JSONValue, path: String) throws(JSONAccessError) {
        loss = try json.member("loss", path: path).double(field: "\(path).loss")
        top1 = try json.member("top1", path: path).double(field: "\(path).top1")
        top5 = try json.member("top5", path: path).double(field: "\(path).top5")
        meanClassAccuracy = try json.member("mean_class_accuracy", path: path).double(field: "\(path).mean_class_accuracy")
        samples = try json.member("samples", path: path).int(field: "\(path).samples")
        seconds = try json.member("seconds", path: path).double(field: "\(path).seconds")
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
