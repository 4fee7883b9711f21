import Foundation
import SkeletonData
import STGCNModel
import STGCNTensor

/// The official training recipe in its simplest form, enough to compare variants fairly:
/// the official initialization, SGD with momentum 0.9 (Nesterov and weight decay as set),
/// `lr = base_lr · 0.1^(#steps ≤ epoch)`, shuffled batches with `drop_last`, training-mode BN
/// and dropout, cross-entropy; then one evaluation-mode pass over the test set.
///
/// Every random choice derives from `settings.seed` alone, with `RunSeeds` exactly as the shared
/// `Trainer` derives them — the weights (the same seed for every variant), the batch order of
/// each epoch, the augmentation of each batch and the dropout masks — so variants trained by
/// either see the same data in the same order.
public struct AblationTrainingLoop: VariantTrainer {
    /// Data and budget.
    public let settings: AblationSettings
    /// The feeders.
    public let data: AblationData

    /// A loop over `data` with `settings`.
    public init(settings: AblationSettings, data: AblationData) {
        self.settings = settings
        self.data = data
    }

    public func trainAndEvaluate(_ model: any ActionRecognitionModel, name: String, log: (String) -> Void) throws -> VariantScores {
        let seed = settings.seed
        model.initializeWeights(seed: RunSeeds.derive(seed, 0x1417))
        let optimizer = SGD(parameters: model.namedParameters(), learningRate: settings.baseLearningRate,
                            momentum: 0.9, weightDecay: settings.weightDecay, nesterov: settings.nesterov)
        let schedule = StepLearningRateSchedule(baseLearningRate: settings.baseLearningRate, steps: settings.steps)
        let batchSize = min(settings.batchSize, data.train.count)
        let started = Date()
        var losses: [Double] = []
        for epoch in 0..<settings.epochs {
            optimizer.learningRate = schedule.learningRate(atEpoch: epoch)
            let batches = data.train.batches(batchSize: batchSize, shuffle: true, dropLast: true,
                                             seed: RunSeeds.derive(seed, 1, UInt64(epoch)))
            var total = 0.0, correct = 0, seen = 0
            for (index, indices) in batches.enumerated() {
                var generator = SeededGenerator(seed: RunSeeds.derive(seed, 2, UInt64(epoch), UInt64(index)))
                let batch = try data.train.batch(indices: indices, using: &generator)
                model.reseedDropout(RunSeeds.derive(seed, 3, UInt64(epoch), UInt64(index)))
                model.zeroGradients()
                let logits = model.forward(Tensor(shape: batch.shape, scalars: batch.values), mode: .training)
                let (loss, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: batch.labels)
                guard loss.isFinite else {
                    throw AblationError.mismatch("the training loss became \(loss) in epoch \(epoch + 1); lower base_lr")
                }
                model.backward(gradient)
                optimizer.step()
                total += Double(loss) * Double(indices.count)
                seen += indices.count
                correct += Self.ranks(logits, labels: batch.labels).filter { $0 == 0 }.count
            }
            losses.append(total / Double(max(seen, 1)))
            log(String(format: "  epoch %d/%d  lr %.4g  loss %.4f  train top-1 %.1f%%", epoch + 1, settings.epochs,
                       Double(optimizer.learningRate), losses[losses.count - 1], 100 * Double(correct) / Double(max(seen, 1))))
        }
        let trainingSeconds = Date().timeIntervalSince(started)
        let evaluationStarted = Date()
        let (top1, top5) = try evaluate(model)
        return VariantScores(top1: top1, top5: top5, trainingLosses: losses, trainingSeconds: trainingSeconds,
                             evaluationSeconds: Date().timeIntervalSince(evaluationStarted))
    }

    /// Top-1 and top-5 accuracy of `model` on the test feeder, in inference mode, computed as
    /// the shared `Trainer` computes them (`Evaluation.run`).
    public func evaluate(_ model: any ActionRecognitionModel) throws -> (top1: Double, top5: Double) {
        let (metrics, _) = try Evaluation.run(network: model, feeder: data.test, batchSize: settings.testBatchSize,
                                              seed: settings.seed)
        return (metrics.top1, metrics.top5)
    }

    /// The rank of each label among its row's logits (0: the arg-max; ties count against the label).
    static func ranks(_ logits: Tensor, labels: [Int]) -> [Int] {
        let classes = logits.shape[1]
        return labels.enumerated().map { row, label in
            let scores = logits.scalars[(row * classes)..<((row + 1) * classes)]
            let own = scores[scores.startIndex + label]
            return scores.indices.filter { $0 - scores.startIndex != label && scores[$0] >= own }.count
        }
    }
}
