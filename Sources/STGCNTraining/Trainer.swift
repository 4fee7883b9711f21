import Foundation
import SkeletonData
import SkeletonFormats
import STGCNTensor
import STGCNModel

/// The official training procedure (`processor/recognition.py`), deterministic from a seed
/// and resumable at any batch.
///
/// - Weights: the official init (`initializeWeights`), then `weights` if configured
///   (skipping `ignore_weights` prefixes).
/// - Each epoch: `lr = base_lr · 0.1^(#steps ≤ epoch)`; SGD (momentum 0.9, Nesterov,
///   `weight_decay`); shuffled batches with `drop_last`; train-mode BN and dropout;
///   cross-entropy loss.
/// - Every `eval_interval` epochs and after the last: evaluation in eval mode, printing
///   `Top1: xx.xx%` and `Top5: xx.xx%` lines like the official trainer.
/// - Every `save_interval` epochs and after the last: `epoch{N}_model.safetensors`.
/// - After every epoch and when stopped: `checkpoint.safetensors` (weights, momentum, position),
///   `metrics.jsonl` and `report.html` in the work directory.
///
/// Randomness (shuffling, feeder augmentation, dropout masks) is drawn from generators seeded
/// by (seed, epoch, batch), so a run stopped after any batch and resumed ends with the same
/// weights, bit for bit, as one that never stopped.
///
/// Divergence: a non-finite loss (checked every batch) or non-finite weights, buffers or
/// momentum (checked at the end of every epoch and before every save) stop the run with
/// `TrainingError.diverged` naming the epoch and batch; nothing is saved from then on, so the
/// checkpoint on disk stays the last finite one.
public final class Trainer {
    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// All epochs are done.
        case finished
        /// `shouldStop` returned true; a resumable checkpoint was written.
        case interrupted
    }

    /// The files a run writes in its work directory.
    public struct WorkFiles: Sendable {
        /// The folder.
        public let directory: URL
        /// `log.txt`.
        public var log: URL { directory.appendingPathComponent("log.txt") }
        /// `metrics.jsonl`: one JSON object per epoch.
        public var metrics: URL { directory.appendingPathComponent("metrics.jsonl") }
        /// `checkpoint.safetensors`: the resumable checkpoint.
        public var checkpoint: URL { directory.appendingPathComponent("checkpoint.safetensors") }
        /// `report.html`.
        public var report: URL { directory.appendingPathComponent("report.html") }
        /// `epoch{N}_model.safetensors` (N counted from 1, as the official `epoch{N}_model.pt`).
        public func model(afterEpoch epoch: Int) -> URL { directory.appendingPathComponent("epoch\(epoch + 1)_model.safetensors") }

        /// The files of `directory`.
        public init(directory: URL) { self.directory = directory }
    }

    /// The run's settings.
    public let configuration: TrainingConfiguration
    /// The model being trained.
    public let network: any ActionRecognitionModel
    /// The optimizer over the model's parameters.
    public let optimizer: SGD
    /// The learning-rate schedule.
    public let schedule: StepLearningRateSchedule
    /// The data.
    public let data: TrainingDataSet
    /// Messages.
    public let log: TrainingLog
    /// The work directory's files.
    public let files: WorkFiles
    /// Checked before every batch; when it returns true the run saves a checkpoint and stops.
    public var shouldStop: () -> Bool = { false }
    /// Called after every optimizer step with (epoch, batch, the batch's mean loss): lock-step
    /// comparisons with other trainers, custom progress.
    public var onBatchTrained: ((_ epoch: Int, _ batch: Int, _ loss: Float) -> Void)?
    /// Where the run stands.
    public private(set) var state: TrainingState
    /// The most recent evaluation, for the report.
    public private(set) var lastEvaluation: ClassificationMetrics?
    /// The position (epoch, batch) of the checkpoint on disk that this trainer wrote or resumed
    /// from; nil when it has done neither.
    public private(set) var checkpointPosition: (epoch: Int, batch: Int)?

    /// A trainer with freshly initialized weights (and `weights` loaded when configured).
    /// Creates the work directory.
    public init(configuration: TrainingConfiguration, network: any ActionRecognitionModel, data: TrainingDataSet, log: TrainingLog) throws {
        self.configuration = configuration
        self.network = network
        self.data = data
        self.log = log
        files = WorkFiles(directory: configuration.workDirectory)
        optimizer = SGD(parameters: network.namedParameters(), learningRate: Float(configuration.baseLearningRate),
                        momentum: 0.9, weightDecay: Float(configuration.weightDecay), nesterov: configuration.nesterov)
        schedule = StepLearningRateSchedule(baseLearningRate: Float(configuration.baseLearningRate), steps: configuration.steps)
        state = TrainingState(epoch: configuration.startEpoch, seed: configuration.seed,
                              batchSize: configuration.batchSize, trainSampleCount: data.train.count)
        try Self.validate(configuration: configuration, data: data)
        network.initializeWeights(seed: RunSeeds.derive(configuration.seed, 0x1417))
        if let weights = configuration.experiment.weights {
            let report = try WeightsFile.load(weights, into: network, ignoring: configuration.ignoreWeights)
            log.line("Loaded \(report.loaded.count) tensors from \(weights.path)"
                     + (report.skipped.isEmpty ? "" : " (skipped \(report.skipped.count): \(report.skipped.prefix(6).joined(separator: ", "))\(report.skipped.count > 6 ? ", …" : ""))"))
        }
    }

    /// The checks that need the data: at least one full training batch (drop_last).
    public static func validate(configuration: TrainingConfiguration, data: TrainingDataSet) throws(TrainingError) {
        guard data.train.count >= configuration.batchSize else {
            throw .mismatch("batch_size \(configuration.batchSize) is larger than the \(data.train.count) training samples; with drop_last no batch would remain")
        }
    }

    /// Continues from the work directory's checkpoint (weights, momentum, position, history).
    /// - Throws: `CheckpointError` when there is none or it does not fit; `TrainingError` when
    ///   it was written with another seed, batch size or training set.
    public func resume() throws {
        let restored = try TrainingCheckpoint.restore(from: files.checkpoint, network: network, optimizer: optimizer)
        var differences: [String] = []
        if restored.seed != configuration.seed { differences.append("seed \(restored.seed) (now \(configuration.seed))") }
        if restored.batchSize != configuration.batchSize {
            differences.append("batch_size \(restored.batchSize) (now \(configuration.batchSize))")
        }
        if restored.trainSampleCount != data.train.count {
            differences.append("\(restored.trainSampleCount) training samples (now \(data.train.count))")
        }
        guard differences.isEmpty else {
            throw TrainingError.mismatch("\(files.checkpoint.path) was written with \(differences.joined(separator: ", ")); resume with the same settings")
        }
        state = restored
        checkpointPosition = (restored.epoch, restored.batch)
        log.line("Resumed from \(files.checkpoint.path): epoch \(state.epoch), batch \(state.batch)")
    }

    /// Trains until `num_epoch` or until `shouldStop` says so.
    @discardableResult
    public func run() throws -> Outcome {
        let batchSize = configuration.batchSize
        let perEpoch = data.train.count / batchSize
        let remaining = max(0, (configuration.epochCount - state.epoch) * perEpoch - state.batch)
        let progress = ProgressReporter(log: log, logInterval: configuration.logInterval, totalBatches: remaining)
        try writeMetrics()
        if state.epoch >= configuration.epochCount {
            // E.g. resumed from the checkpoint of a finished run that was stopped before its report.
            try writeReport()
        }
        while state.epoch < configuration.epochCount {
            let epoch = state.epoch
            let learningRate = schedule.learningRate(atEpoch: epoch)
            optimizer.learningRate = learningRate
            let batches = data.train.batches(batchSize: batchSize, shuffle: true, dropLast: true,
                                             seed: RunSeeds.derive(configuration.seed, 1, UInt64(epoch)))
            log.line("Training epoch: \(epoch)" + (state.batch > 0 ? " (from batch \(state.batch) of \(batches.count))" : ""))
            progress.beginEpoch("epoch \(epoch + 1)/\(configuration.epochCount)", batches: batches.count, skipped: state.batch)
            let started = Date()
            let secondsBefore = state.seconds
            while state.batch < batches.count {
                if shouldStop() {
                    state.seconds = secondsBefore + Date().timeIntervalSince(started)
                    if state.batch > 0 { try requireFiniteState(epoch: epoch, afterBatch: state.batch - 1) }
                    try saveCheckpoint()
                    try writeReport()
                    log.line("Stopped at epoch \(epoch), batch \(state.batch); resumable checkpoint: \(files.checkpoint.path)")
                    return .interrupted
                }
                let b = state.batch
                var generator = SeededGenerator(seed: RunSeeds.derive(configuration.seed, 2, UInt64(epoch), UInt64(b)))
                let batch = try data.train.batch(indices: batches[b], using: &generator)
                network.reseedDropout(RunSeeds.derive(configuration.seed, 3, UInt64(epoch), UInt64(b)))
                network.zeroGradients()
                let logits = network.forward(Tensor(shape: batch.shape, scalars: batch.values), mode: .training)
                let (loss, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: batch.labels)
                guard loss.isFinite else { throw divergence(epoch: epoch, batch: b, reason: "the loss is \(loss)") }
                network.backward(gradient)
                optimizer.step()
                let classes = network.classCount
                for (row, label) in batch.labels.enumerated() {
                    let values = logits.scalars[(row * classes)..<((row + 1) * classes)]
                    if let best = values.indices.max(by: { values[$0] < values[$1] }), best - values.startIndex == label {
                        state.correct += 1
                    }
                }
                state.lossSum += Double(loss) * Double(batch.labels.count)
                state.seen += batch.labels.count
                state.batch = b + 1
                state.seconds = secondsBefore + Date().timeIntervalSince(started)
                progress.batchDone(samples: batch.labels.count, loss: Double(loss), learningRate: Double(learningRate))
                onBatchTrained?(epoch, b, loss)
            }
            try requireFiniteState(epoch: epoch, afterBatch: batches.count - 1)
            let exactRate = configuration.baseLearningRate * pow(0.1, Double(configuration.steps.filter { epoch >= $0 }.count))
            var record = EpochRecord(epoch: epoch, learningRate: exactRate,
                                     trainLoss: state.seen > 0 ? state.lossSum / Double(state.seen) : 0,
                                     trainAccuracy: state.seen > 0 ? Double(state.correct) / Double(state.seen) : 0,
                                     trainSamples: state.seen, seconds: state.seconds,
                                     clipsPerSecond: state.seconds > 0 ? Double(state.seen) / state.seconds : 0)
            log.line(String(format: "\tmean_loss: %.6f | train accuracy %.2f%% | %.1f s, %.1f clips/s",
                            record.trainLoss, 100 * record.trainAccuracy, record.seconds, record.clipsPerSecond))
            let isLast = epoch + 1 == configuration.epochCount
            if data.test != nil && ((epoch + 1) % configuration.evalInterval == 0 || isLast) {
                log.line("Eval epoch: \(epoch)")
                let started = Date()
                let metrics = try evaluate()
                record.evaluation = EvaluationRecord(metrics, seconds: Date().timeIntervalSince(started))
            }
            state.history.append(record)
            state.epoch = epoch + 1
            state.batch = 0
            state.lossSum = 0
            state.correct = 0
            state.seen = 0
            state.seconds = 0
            try writeMetrics()
            if (epoch + 1) % configuration.saveInterval == 0 || isLast {
                do { try network.saveWeights(to: files.model(afterEpoch: epoch)) } catch {
                    throw TrainingError.io(file: files.model(afterEpoch: epoch).path, reason: "\(error)")
                }
                log.line("The model has been saved as \(files.model(afterEpoch: epoch).path)")
            }
            try saveCheckpoint()
            try writeReport()
        }
        return .finished
    }

    /// Evaluates on the test feeder, prints `mean_loss`, `Top1`, `Top5` and mean class accuracy.
    @discardableResult
    public func evaluate() throws -> ClassificationMetrics {
        guard let test = data.test else { throw TrainingError.mismatch("no test_feeder_args: nothing to evaluate on") }
        let (metrics, _) = try Evaluation.run(network: network, feeder: test, batchSize: configuration.testBatchSize,
                                              seed: configuration.seed)
        lastEvaluation = metrics
        log.line(String(format: "\tmean_loss: %.6f", metrics.meanLoss ?? 0))
        for k in configuration.showTopK {
            let index = min(k, metrics.topK.count) - 1
            log.line(String(format: "\tTop%d: %.2f%%", k, 100 * metrics.topK[max(0, index)]))
        }
        log.line(String(format: "\tMean class accuracy: %.2f%%", 100 * metrics.meanClassAccuracy))
        return metrics
    }

    /// Writes the resumable checkpoint (refused, leaving the file as it was, when any weight,
    /// buffer or momentum value is not finite).
    public func saveCheckpoint() throws {
        try TrainingCheckpoint.write(network: network, optimizer: optimizer, state: state, to: files.checkpoint)
        checkpointPosition = (state.epoch, state.batch)
    }

    /// Throws `TrainingError.diverged` when a weight, buffer or momentum value is NaN or Inf
    /// after the SGD step of batch `batch` of `epoch` (a step can overflow while the loss that
    /// led to it was finite).
    func requireFiniteState(epoch: Int, afterBatch batch: Int) throws(TrainingError) {
        if let bad = TrainingCheckpoint.firstNonFiniteValue(network: network, optimizer: optimizer) {
            throw divergence(epoch: epoch, batch: batch, reason: "\(bad) after the SGD step")
        }
    }

    /// The error that stops a diverged run, saying which checkpoint is still good.
    func divergence(epoch: Int, batch: Int, reason: String) -> TrainingError {
        let kept: String
        if let position = checkpointPosition {
            kept = "nothing was saved; \(files.checkpoint.path) still holds epoch \(position.epoch), batch \(position.batch) (continue it with --resume)"
        } else {
            kept = "nothing was saved (no checkpoint yet)"
        }
        return .diverged(epoch: epoch, batch: batch, reason: reason,
                         advice: "lower base_lr (now \(configuration.baseLearningRate)); \(kept)")
    }

    /// Rewrites `metrics.jsonl` from the history (so a resumed run's file matches its checkpoint).
    /// Non-finite numbers are written as strings (`TrainingJSON`).
    func writeMetrics() throws {
        let text = TrainingJSON.metricsLines(state.history)
        try writeWorkFile(Data(text.utf8), to: files.metrics)
    }

    /// Writes `report.html`.
    public func writeReport() throws {
        let names = data.classNames ?? (0..<network.classCount).map { "class \($0)" }
        let html = TrainingReport.html(title: configuration.experiment.source.lastPathComponent,
                                       history: state.history, evaluation: lastEvaluation, classNames: names,
                                       network: network, notes: [
                                           "work_dir: \(files.directory.path)",
                                           "model: \(network.configuration.layout.name), \(network.configuration.strategy.rawValue), \(network.parameterCount) parameters",
                                           "training samples: \(data.train.count), test samples: \(data.test?.count ?? 0)",
                                           "seed: \(configuration.seed), batch_size: \(configuration.batchSize), base_lr: \(configuration.baseLearningRate), step: \(configuration.steps)",
                                       ])
        try writeWorkFile(Data(html.utf8), to: files.report)
    }
}

extension Trainer {
    /// Writes a work-directory file (`metrics.jsonl`, `report.html`) atomically through
    /// `OutputFile` (temporary `.<name>.tmp-<UUID>`, which `StaleTemporaryFiles` recognizes).
    /// - Throws: `TrainingError.io` naming the file; no temporary is left behind on failure.
    func writeWorkFile(_ data: Data, to url: URL) throws(TrainingError) {
        do {
            try OutputFile.write(data, to: url)
        } catch {
            throw .io(file: url.path, reason: error.reason)
        }
    }
}
