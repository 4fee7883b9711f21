import Foundation
import SkeletonFormats
import STGCNModel

/// Where a training run stands: enough, with the weights and the optimizer's momentum, to
/// continue exactly as if it had never stopped.
///
/// Every random choice of a run is derived from `seed` and the position (epoch, batch), so the
/// position is the whole random state.
public struct TrainingState: Sendable, Equatable {
    /// The checkpoint format version.
    public var formatVersion: Int = 1
    /// The epoch in progress (or the next to start when `batch` is 0).
    public var epoch: Int
    /// The next batch of `epoch` to train.
    public var batch: Int
    /// The run's seed.
    public var seed: UInt64
    /// The training batch size the batches were cut with.
    public var batchSize: Int
    /// The number of training samples the batches were cut from.
    public var trainSampleCount: Int
    /// Running sums of the epoch in progress: loss × samples, correct predictions, samples, seconds.
    public var lossSum: Double = 0
    public var correct: Int = 0
    public var seen: Int = 0
    public var seconds: Double = 0
    /// The completed epochs.
    public var history: [EpochRecord] = []

    /// The state as the JSON stored in a checkpoint's metadata.
    public var json: JSONValue {
        .object([
            "format_version": .integer(formatVersion), "epoch": .integer(epoch), "batch": .integer(batch),
            "seed": JSONValue(.unsignedInteger(seed)), "batch_size": .integer(batchSize), "train_samples": .integer(trainSampleCount),
            "loss_sum": .number(lossSum), "correct": .integer(correct), "seen": .integer(seen), "seconds": .number(seconds),
            "history": .array(history.map(\.json)),
        ])
    }

    /// Reads what `json` writes.
    public init(json: JSONValue) throws(JSONAccessError) {
        formatVersion = try json.member("format_version").int(field: "format_version")
        epoch = try json.member("epoch").int(field: "epoch")
        batch = try json.member("batch").int(field: "batch")
        seed = try json.member("seed").uint64(field: "seed")
        batchSize = try json.member("batch_size").int(field: "batch_size")
        trainSampleCount = try json.member("train_samples").int(field: "train_samples")
        lossSum = try json.member("loss_sum").double(field: "loss_sum")
        correct = try json.member("correct").int(field: "correct")
        seen = try json.member("seen").int(field: "seen")
        seconds = try json.member("seconds").double(field: "seconds")
        history = []
        for (index, record) in try json.member("history").arrayElements(field: "history").enumerated() {
            history.append(try EpochRecord(json: record, path: "history[\(index)]"))
        }
    }

    /// A state at the start of `epoch`.
    public init(epoch: Int, batch: Int = 0, seed: UInt64, batchSize: Int, trainSampleCount: Int) {
        self.epoch = epoch
        self.batch = batch
        self.seed = seed
        self.batchSize = batchSize
        self.trainSampleCount = trainSampleCount
    }
}

/// A resumable checkpoint: one safetensors file written atomically, holding the model's state
/// dict under the official key names, the SGD momentum buffers as `optimizer.momentum.<key>`,
/// and the `TrainingState` as JSON in the metadata (`stgcn.training_state`).
///
/// The file also loads as plain weights (`stgcn test --weights`), which skip `optimizer.*`.
public enum TrainingCheckpoint {
    /// The prefix of momentum tensors.
    public static let momentumPrefix = "optimizer.momentum."
    /// The metadata key of the JSON state.
    public static let stateKey = "stgcn.training_state"

    /// Writes `network`'s weights, `optimizer`'s momentum and `state` to `url` atomically.
    /// Refuses (throwing `CheckpointError.nonFinite`) weights, buffers or momentum holding NaN
    /// or Inf, so a good checkpoint is never replaced by a diverged one.
    public static func write(network: any ActionRecognitionModel, optimizer: SGD, state: TrainingState, to url: URL) throws(CheckpointError) {
        if let bad = firstNonFiniteValue(network: network, optimizer: optimizer) {
            throw .nonFinite(file: url.path, place: bad)
        }
        var tensors = network.stateDict()
        let shapes = Dictionary(uniqueKeysWithValues: optimizer.parameters.map { ($0.name, $0.parameter.shape) })
        for (name, buffer) in optimizer.momentumBuffers {
            tensors[momentumPrefix + name] = SafetensorsTensor(float32: buffer, shape: shapes[name] ?? [buffer.count])
        }
        let json = JSONWriting.text(state.json, sortedKeys: true)
        do {
            try SafetensorsFile.write(tensors, metadata: ["format": "stgcn-training-checkpoint", stateKey: json], to: url)
        } catch {
            throw .unwritable(file: url.path, reason: error.description)
        }
    }

    /// Reads a checkpoint and loads it into `network` and `optimizer`; returns its state.
    /// Nothing is changed unless the whole file fits.
    public static func restore(from url: URL, network: any ActionRecognitionModel, optimizer: SGD) throws(CheckpointError) -> TrainingState {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(file: url.path) }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch { throw .unreadable(file: url.path, reason: error.description) }
        guard let json = file.metadata[stateKey] else {
            throw .unreadable(file: url.path, reason: "no \(stateKey) metadata: not a training checkpoint (plain weights go in `weights`)")
        }
        let state: TrainingState
        do {
            state = try TrainingJSON.decode(json, source: stateKey) { (value) throws(JSONAccessError) in try TrainingState(json: value) }
        } catch {
            throw .unreadable(file: url.path, reason: "the training state is malformed: \(error.description)")
        }
        guard state.formatVersion == 1 else {
            throw .unreadable(file: url.path, reason: "format version \(state.formatVersion); this build reads version 1")
        }
        let shapes = Dictionary(uniqueKeysWithValues: optimizer.parameters.map { ($0.name, $0.parameter.shape) })
        var momentum: [String: [Float]] = [:]
        for (key, tensor) in file.tensors where key.hasPrefix(momentumPrefix) {
            let name = String(key.dropFirst(momentumPrefix.count))
            guard let shape = shapes[name] else {
                throw .unreadable(file: url.path, reason: "momentum for \(name), which the model does not have")
            }
            guard tensor.shape == shape else {
                throw .unreadable(file: url.path, reason: "momentum \(name) has shape \(tensor.shape), the model \(shape)")
            }
            do { momentum[name] = try tensor.floatValues() } catch {
                throw .unreadable(file: url.path, reason: "momentum \(name): \(error)")
            }
        }
        do {
            try network.load(stateDict: file.tensors, source: url.path, ignoring: [momentumPrefix])
        } catch {
            throw .unreadable(file: url.path, reason: error.description)
        }
        optimizer.restoreMomentumBuffers(momentum)
        return state
    }

    /// The first NaN or Inf among `network`'s parameters and buffers and `optimizer`'s momentum,
    /// as `key[flat index] is value`; nil when every value is finite.
    public static func firstNonFiniteValue(network: any ActionRecognitionModel, optimizer: SGD) -> String? {
        func scan(_ name: String, _ values: [Float]) -> String? {
            values.firstIndex { !$0.isFinite }.map { "\(name)[\($0)] is \(values[$0])" }
        }
        for (name, parameter) in network.namedParameters() {
            if let bad = scan(name, parameter.value) { return bad }
        }
        for (name, buffer) in network.namedBuffers() {
            if let bad = scan(name, buffer.value) { return bad }
        }
        for (name, values) in optimizer.momentumBuffers.sorted(by: { $0.key < $1.key }) {
            if let bad = scan(momentumPrefix + name, values) { return bad }
        }
        return nil
    }
}

/// A checkpoint that cannot be written or read.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missing(file: String)
    case unreadable(file: String, reason: String)
    case unwritable(file: String, reason: String)
    /// The state to save holds NaN or Inf at `place` (`key[index] is value`); nothing was written.
    case nonFinite(file: String, place: String)

    public var description: String {
        switch self {
        case .missing(let file): return "\(file): no checkpoint to resume from (train without --resume first)"
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .unwritable(file, reason): return "\(file): cannot write the checkpoint: \(reason)"
        case let .nonFinite(file, place):
            return "\(file): not written: \(place), not finite (the file keeps its last finite checkpoint)"
        }
    }
}
