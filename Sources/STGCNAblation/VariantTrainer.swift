import STGCNTraining
import STGCNModel

/// Trains one freshly built model of the ablation study and evaluates it. The study calls it
/// once per variant with identical settings: `SharedTrainerVariantTrainer` runs the package's
/// `Trainer` (what `stgcn train` runs) for every variant, the two-stream network included.
public protocol VariantTrainer {
    /// Initializes `model` from the run's seed, trains it and returns its test scores.
    /// `name` is the variant's (e.g. for a per-variant work directory); `log` receives one line per epoch.
    func trainAndEvaluate(_ model: any ActionRecognitionModel, name: String, log: (String) -> Void) throws -> VariantScores
}

/// What one trained variant scored.
public struct VariantScores: Sendable, Equatable {
    /// Top-1 test accuracy, 0…1.
    public var top1: Double
    /// Top-5 test accuracy, 0…1 (top-k with k = min(5, classes)).
    public var top5: Double
    /// The mean training loss of each epoch.
    public var trainingLosses: [Double]
    /// The mean training loss of the last epoch.
    public var finalTrainingLoss: Double { trainingLosses.last ?? .nan }
    /// Seconds spent training (forward, backward, update; data loading included).
    public var trainingSeconds: Double
    /// Seconds spent evaluating the test set.
    public var evaluationSeconds: Double

    /// Scores from their parts.
    public init(top1: Double, top5: Double, trainingLosses: [Double], trainingSeconds: Double, evaluationSeconds: Double) {
        self.top1 = top1
        self.top5 = top5
        self.trainingLosses = trainingLosses
        self.trainingSeconds = trainingSeconds
        self.evaluationSeconds = evaluationSeconds
    }
}
