import Foundation
import SkeletonData
import STGCNModel
import STGCNTensor

/// The official training recipe in its simplest form, enough to compare variants fairly:
/// the official initialization, SGD with momentum 0.9 (Nesterov and weight decay as set),
/// `lr = base_lr · 0.1^(#steps ≤ epoch)`, shuffled batches with `drop_last`, training-mode BN
/// and dropout, cross-entropy; then one evaluation-mode pass over the test set.
///
/// Every random choice derives from `settings.seed` alone — the weights (the same seed for
/// every variant), the batch order of each epoch, the augmentation of each batch and the
/// dropout masks — so variants see the same data in the same order.
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

    public func trainAndEvaluate(_ model: any ActionRecognitionModel, log: (String) -> Void) throws -> VariantScores {
        let seed = settings.seed
        model.initializeWeights(seed: seed)
        let optimizer = SGD(parameters: model.namedParameters(), learningRate: settings.baseLearningRate,
                            momentum: 0.9, weightDecay: settings.weightDecay, nesterov: settings.nesterov)
        let schedule = StepLearningRateSchedule(baseLearningRate: settings.baseLearningRate, steps: settings.steps)
        let batchSize = min(settings.batchSize, data.train.count)
        let started = Date()
        var losses: [Double] = []
        for epoch in 0..<settings.epochs {
            optimizer.learningRate = schedule.learningRate(atEpoch: epoch)
            let batches = data.train.batches(batchSize: batchSize, shuffle: true, dropLast: true,
                                             seed: Self.derive(seed, 1, UInt64(epoch)))
            var total = 0.0, correct = 0, seen = 0
            for (index, indices) in batches.enumerated() {
                var generator = SeededGenerator(seed: Self.derive(seed, 2, UInt64(epoch), UInt64(index)))
                let batch = try data.train.batch(indices: indices, using: &generator)
                model.reseedDropout(Self.derive(seed, 3, UInt64(epoch), UInt64(index)))
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

    /// Top-1 and top-5 accuracy of `model` on the test feeder, in inference mode without augmentation.
    public func evaluate(_ model: any ActionRecognitionModel) throws -> (top1: Double, top5: Double) {
        var top1 = 0, top5 = 0
        let k = min(5, model.classCount)
        var generator = SeededGenerator(seed: Self.derive(settings.seed, 4))
        for indices in data.test.batches(batchSize: settings.testBatchSize, shuffle: false, dropLast: false, seed: 0) {
            let batch = try data.test.batch(indices: indices, using: &generator)
            let logits = model.infer(Tensor(shape: batch.shape, scalars: batch.values))
            for rank in Self.ranks(logits, labels: batch.labels) {
                if rank == 0 { top1 += 1 }
                if rank < k { top5 += 1 }
            }
        }
        let count = Double(max(data.test.count, 1))
        return (Double(top1) / count, Double(top5) / count)
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

    /// A seed derived from `seed` and a path of integers (SplitMix64 finalizer over each step).
    static func derive(_ seed: UInt64, _ path: UInt64...) -> UInt64 {
        var state = seed
        for value in path {
            state = state &+ 0x9E37_79B9_7F4A_7C15 &+ value &* 0xBF58_476D_1CE4_E5B9
            state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
            state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
            state ^= state >> 31
        }
        return state
    }
}
