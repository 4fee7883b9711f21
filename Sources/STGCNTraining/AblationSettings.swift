import Foundation
import SkeletonData

/// The data and training budget of an ablation run, read from the official training keys of
/// the same YAML file as the model (`feeder`, `train_feeder_args`, `test_feeder_args`,
/// `batch_size`, `test_batch_size`, `base_lr`, `step`, `weight_decay`, `nesterov`,
/// `num_epoch`, `seed`, `work_dir`), with the official processor's defaults.
///
/// `feeder: synthetic` selects the built-in `SyntheticActions` set; its feeder arguments are
/// `samples_per_class` and `frames`. Otherwise the feeder arguments are the official ones
/// (`data_path`, `label_path`, `random_choose`, `random_shift`, `random_move`, `window_size`,
/// `debug`). Every variant of the study trains with exactly these settings.
public struct AblationSettings: Sendable {
    /// `feeder` is `synthetic`.
    public var synthetic: Bool
    /// `train_feeder_args`.
    public var train: FeederArguments
    /// `test_feeder_args`.
    public var test: FeederArguments
    /// `work_dir`, when given.
    public var workDirectory: URL?
    /// `batch_size` (official default 256).
    public var batchSize: Int
    /// `test_batch_size` (official default 256).
    public var testBatchSize: Int
    /// `base_lr` (official default 0.01).
    public var baseLearningRate: Float
    /// `step`: epochs where the learning rate drops by 10×.
    public var steps: [Int]
    /// `weight_decay` (official default 1e-4).
    public var weightDecay: Float
    /// `nesterov`.
    public var nesterov: Bool
    /// `num_epoch` (official default 80).
    public var epochs: Int
    /// `seed`: weights, shuffling, augmentation and dropout of every variant derive from it.
    public var seed: UInt64

    /// The settings of a configuration read by the shared reader (`stgcn train`'s), so that
    /// the built-in loop and the `Trainer` use the same values and defaults.
    public init(_ training: TrainingConfiguration) {
        synthetic = training.feeder == .synthetic
        train = training.trainFeeder
        test = training.testFeeder ?? FeederArguments()
        workDirectory = training.workDirectory
        batchSize = training.batchSize
        testBatchSize = training.testBatchSize
        baseLearningRate = Float(training.baseLearningRate)
        steps = training.steps
        weightDecay = Float(training.weightDecay)
        nesterov = training.nesterov
        epochs = training.epochCount
        seed = training.seed
    }

    /// Reads the training keys of `url` with the one configuration reader (`TrainingConfiguration`,
    /// what `stgcn train` uses), so that the ablation and `stgcn train` share keys, defaults
    /// (e.g. `nesterov: true`, as the official trainer) and checks.
    public init(contentsOf url: URL) throws(ConfigurationError) {
        self.init(try TrainingConfiguration(contentsOf: url))
    }
}
