import Foundation
import Yams
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
    /// One feeder's arguments.
    public struct FeederArguments: Sendable, Equatable {
        /// `data_path` (official feeder).
        public var dataPath: URL?
        /// `label_path` (official feeder).
        public var labelPath: URL?
        /// The augmentation options.
        public var options = FeederOptions()
        /// `samples_per_class` (synthetic feeder).
        public var samplesPerClass = 20
        /// `frames` (synthetic feeder).
        public var frames = 64
    }

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
        func arguments(_ feeder: STGCNTraining.FeederArguments?) -> FeederArguments {
            var result = FeederArguments()
            guard let feeder else { return result }
            result.dataPath = feeder.dataPath
            result.labelPath = feeder.labelPath
            result.options = feeder.options
            result.samplesPerClass = feeder.samplesPerClass
            result.frames = feeder.frames
            return result
        }
        train = arguments(training.trainFeeder)
        test = arguments(training.testFeeder)
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

    /// Reads the training keys of `url` (the model keys are read by `ExperimentConfiguration`).
    public init(contentsOf url: URL) throws(ConfigurationError) {
        let path = url.path
        let root = try ConfigurationDocument.parse(try ConfigurationDocument.read(url), file: path)
        let reader = NodeReader(file: path)
        let top = try reader.mapping(root, key: "")
        let folder = url.deletingLastPathComponent()
        let feederName = try top["feeder"].map { node throws(ConfigurationError) in try reader.string(node, key: "feeder") }
            ?? "feeder.feeder.Feeder"
        guard feederName == "synthetic" || feederName == "feeder.feeder.Feeder" else {
            throw ConfigurationError(file: path, key: "feeder", line: top["feeder"]?.mark?.line,
                                     message: "unknown feeder \"\(feederName)\"; expected feeder.feeder.Feeder or synthetic")
        }
        let isSynthetic = feederName == "synthetic"
        synthetic = isSynthetic
        func feeder(_ key: String) throws(ConfigurationError) -> FeederArguments {
            guard let node = top[key] else {
                throw ConfigurationError(file: path, key: key, message: "missing; the ablation trains and evaluates every variant")
            }
            let fields = try reader.mapping(node, key: key)
            try reader.rejectUnknown(fields, allowed: ["data_path", "label_path", "random_choose", "random_shift", "random_move",
                                                      "window_size", "debug", "mmap", "samples_per_class", "frames"], parent: key)
            var arguments = FeederArguments()
            arguments.dataPath = try fields["data_path"].map { n throws(ConfigurationError) in
                ExperimentConfiguration.resolve(try reader.string(n, key: key + ".data_path"), against: folder)
            }
            arguments.labelPath = try fields["label_path"].map { n throws(ConfigurationError) in
                ExperimentConfiguration.resolve(try reader.string(n, key: key + ".label_path"), against: folder)
            }
            func flag(_ name: String) throws(ConfigurationError) -> Bool {
                try fields[name].map { n throws(ConfigurationError) in try reader.boolean(n, key: key + "." + name) } ?? false
            }
            arguments.options = FeederOptions(randomChoose: try flag("random_choose"), randomShift: try flag("random_shift"),
                                              randomMove: try flag("random_move"),
                                              windowSize: try fields["window_size"].map { n throws(ConfigurationError) in
                                                  try reader.integer(n, key: key + ".window_size") } ?? -1,
                                              debug: try flag("debug"))
            arguments.samplesPerClass = try fields["samples_per_class"].map { n throws(ConfigurationError) in
                try reader.integer(n, key: key + ".samples_per_class") } ?? arguments.samplesPerClass
            arguments.frames = try fields["frames"].map { n throws(ConfigurationError) in
                try reader.integer(n, key: key + ".frames") } ?? arguments.frames
            if isSynthetic && (arguments.samplesPerClass < 1 || arguments.frames < 1) {
                throw reader.error(node, key: key, "samples_per_class and frames must be at least 1")
            }
            if !isSynthetic && (arguments.dataPath == nil || arguments.labelPath == nil) {
                throw reader.error(node, key: key, "the official feeder needs data_path and label_path")
            }
            return arguments
        }
        train = try feeder("train_feeder_args")
        test = try feeder("test_feeder_args")
        func integer(_ key: String, _ fallback: Int, minimum: Int) throws(ConfigurationError) -> Int {
            guard let node = top[key] else { return fallback }
            let value = try reader.integer(node, key: key)
            guard value >= minimum else { throw reader.error(node, key: key, "must be at least \(minimum), got \(value)") }
            return value
        }
        func number(_ key: String, _ fallback: Double) throws(ConfigurationError) -> Float {
            Float(try top[key].map { n throws(ConfigurationError) in try reader.double(n, key: key) } ?? fallback)
        }
        batchSize = try integer("batch_size", 256, minimum: 1)
        testBatchSize = try integer("test_batch_size", 256, minimum: 1)
        epochs = try integer("num_epoch", 80, minimum: 1)
        seed = UInt64(try integer("seed", 1, minimum: 0))
        baseLearningRate = try number("base_lr", 0.01)
        weightDecay = try number("weight_decay", 1e-4)
        nesterov = try top["nesterov"].map { n throws(ConfigurationError) in try reader.boolean(n, key: "nesterov") } ?? false
        if let node = top["step"] {
            guard case .sequence(let items) = node else { throw reader.error(node, key: "step", "expected a list of epochs") }
            var steps: [Int] = []
            for item in items { steps.append(try reader.integer(item, key: "step")) }
            self.steps = steps
        } else {
            steps = []
        }
        workDirectory = try top["work_dir"].map { n throws(ConfigurationError) in
            ExperimentConfiguration.resolve(try reader.string(n, key: "work_dir"), against: folder)
        }
    }
}
