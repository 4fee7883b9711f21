import Foundation
import Yams
import SkeletonData
import STGCNModel

/// Where a feeder's samples come from.
public enum FeederKind: String, Sendable, Equatable {
    /// `feeder.feeder.Feeder`: an `(N, C, T, V, M)` float32 `.npy` and a pickled label file.
    case official = "feeder.feeder.Feeder"
    /// `synthetic`: the built-in `SyntheticActions` dataset, generated in memory.
    case synthetic
}

/// `train_feeder_args` or `test_feeder_args`.
public struct FeederArguments: Sendable, Equatable {
    /// `data_path` (official feeder).
    public var dataPath: URL?
    /// `label_path` (official feeder).
    public var labelPath: URL?
    /// `random_choose`, `random_shift`, `random_move`, `window_size`, `debug`, and
    /// `uniform_sampling` (random in `train_feeder_args`, centered in `test_feeder_args`).
    public var options: FeederOptions
    /// `samples_per_class` (synthetic feeder).
    public var samplesPerClass: Int
    /// `frames` (synthetic feeder): T of every clip.
    public var frames: Int
    /// `variable_length` (synthetic feeder): motion fills 60–100% of the frames, zeros after.
    public var variableLength: Bool
    /// `center` (synthetic feeder): subtract each clip's first-frame position of the layout's
    /// center joint (person 1) from every non-missing joint's coordinates, as later toolboxes'
    /// NTU pre-normalization does; the camera offset then need not be learned.
    public var center: Bool
    /// `persons` (synthetic feeder): M, 2 (the NTU format) or 1 (the first person only, half the work).
    public var persons: Int

    /// Arguments with the official defaults (no augmentation) and synthetic defaults.
    public init(dataPath: URL? = nil, labelPath: URL? = nil, options: FeederOptions = FeederOptions(),
                samplesPerClass: Int = 20, frames: Int = 64, variableLength: Bool = false, center: Bool = false, persons: Int = 2) {
        self.dataPath = dataPath
        self.labelPath = labelPath
        self.options = options
        self.samplesPerClass = samplesPerClass
        self.frames = frames
        self.variableLength = variableLength
        self.center = center
        self.persons = persons
    }

    /// The keys a feeder argument mapping may hold.
    public static let knownKeys: Set<String> = [
        "data_path", "label_path", "random_choose", "random_shift", "random_move", "window_size", "debug", "mmap", "uniform_sampling",
        "samples_per_class", "frames", "variable_length", "center", "persons",
    ]
}

/// A training configuration: the official `train.yaml` keys (`work_dir`, `feeder`,
/// `train_feeder_args`, `test_feeder_args`, `model`, `model_args`, `weight_decay`, `base_lr`,
/// `step`, `nesterov`, `optimizer`, `batch_size`, `test_batch_size`, `num_epoch`,
/// `eval_interval`, `save_interval`, `log_interval`, `weights`, `ignore_weights`, `start_epoch`,
/// `device`) plus `seed`, with the official processor's defaults for absent keys.
///
/// Unknown keys are warnings (`warnings`); values of the wrong type are errors naming the key
/// and line, or the command-line option that set them.
public struct TrainingConfiguration: Sendable {
    /// The model part (`model`, `model_args`, `weights`) and the source file.
    public var experiment: ExperimentConfiguration
    /// `work_dir`: logs, metrics, checkpoints and the report go here.
    public var workDirectory: URL
    /// `feeder`.
    public var feeder: FeederKind
    /// `train_feeder_args`.
    public var trainFeeder: FeederArguments
    /// `test_feeder_args`, or nil when absent (no evaluation).
    public var testFeeder: FeederArguments?
    /// `base_lr`.
    public var baseLearningRate: Double
    /// `step`: epochs at which the learning rate is multiplied by 0.1.
    public var steps: [Int]
    /// `weight_decay`.
    public var weightDecay: Double
    /// `nesterov`.
    public var nesterov: Bool
    /// `batch_size`.
    public var batchSize: Int
    /// `test_batch_size`.
    public var testBatchSize: Int
    /// `num_epoch`: the epoch count to train up to.
    public var epochCount: Int
    /// `start_epoch`: the first epoch (its learning rate follows the schedule).
    public var startEpoch: Int
    /// `eval_interval`: evaluate every this many epochs (and after the last).
    public var evalInterval: Int
    /// `save_interval`: write `epoch{N}_model.safetensors` every this many epochs (and after the last).
    public var saveInterval: Int
    /// `log_interval`: print a progress line every this many iterations (when not on a terminal).
    public var logInterval: Int
    /// `ignore_weights`: key prefixes of `weights` that are not loaded (e.g. `fcn` to fine-tune).
    public var ignoreWeights: [String]
    /// `show_topk`.
    public var showTopK: [Int]
    /// `seed`: every random choice of the run derives from it.
    public var seed: UInt64
    /// `sync_bn` (this package's key): in a data-parallel run (`mpirun … stgcn train`), batch-norm
    /// statistics are those of the whole global batch, summed over the processes, so the run
    /// computes what one process would; false keeps them per process, as PyTorch DDP does.
    /// No effect in one process.
    public var syncBatchNorm: Bool
    /// Warnings found while reading (unknown keys, options that do not apply).
    public var warnings: [String]

    /// The model configuration.
    public var model: ModelConfiguration { experiment.model }

    /// The optimizers this package implements.
    public static let supportedOptimizers: Set<String> = ["SGD"]

    /// What the configuration is read for: training needs `train_feeder_args`, testing only
    /// `test_feeder_args`.
    public enum Purpose: Sendable { case train, test }

    /// Reads a training config file and applies command-line overrides.
    public init(contentsOf url: URL, overrides: [ConfigurationOverride] = [], purpose: Purpose = .train) throws(ConfigurationError) {
        var document = try ConfigurationDocument(contentsOf: url, policy: .warn, overrides: overrides)
        try self.init(document: &document, source: url, purpose: purpose)
    }

    /// Reads a training config held in memory (`source` names it in errors).
    public init(yaml text: String, source: URL, overrides: [ConfigurationOverride] = [], purpose: Purpose = .train) throws(ConfigurationError) {
        var document = try ConfigurationDocument(text: text, file: source.path, policy: .warn, overrides: overrides)
        try self.init(document: &document, source: source, purpose: purpose)
    }

    init(document: inout ConfigurationDocument, source: URL, purpose: Purpose) throws(ConfigurationError) {
        experiment = try ExperimentConfiguration(document: &document, source: source)
        let reader = document.reader
        let top = document.top
        func integer(_ key: String, _ fallback: Int, minimum: Int) throws(ConfigurationError) -> Int {
            guard let node = top[key] else { return fallback }
            let value = try reader.integer(node, key: key)
            guard value >= minimum else { throw reader.error(node, key: key, "must be at least \(minimum), got \(value)") }
            return value
        }
        func number(_ key: String, _ fallback: Double) throws(ConfigurationError) -> Double {
            guard let node = top[key] else { return fallback }
            let value = try reader.double(node, key: key)
            guard value >= 0 else { throw reader.error(node, key: key, "must not be negative, got \(value)") }
            return value
        }

        let workPath = try top["work_dir"].map { node throws(ConfigurationError) in try reader.string(node, key: "work_dir") }
            ?? "./work_dir/tmp"
        workDirectory = workPath.hasPrefix("/") ? URL(fileURLWithPath: workPath)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(workPath).standardizedFileURL

        var kind = FeederKind.official
        if let node = top["feeder"] {
            let name = try reader.string(node, key: "feeder")
            switch name {
            case "feeder.feeder.Feeder", "feeder.feeder", "feeder.feeder_kinetics.Feeder_kinetics":
                kind = .official
            case "synthetic":
                kind = .synthetic
            default:
                throw reader.error(node, key: "feeder", "unsupported feeder \"\(name)\"; expected feeder.feeder.Feeder (npy + pkl) or synthetic")
            }
        }
        feeder = kind
        let folder = source.deletingLastPathComponent()
        func feederArguments(_ key: String) throws(ConfigurationError) -> FeederArguments? {
            guard let node = top[key] else { return nil }
            if node.null != nil { return nil }
            let fields = try reader.mapping(node, key: key)
            try document.checkUnknown(fields, allowed: FeederArguments.knownKeys, parent: key)
            var arguments = FeederArguments()
            func flag(_ name: String) throws(ConfigurationError) -> Bool {
                try fields[name].map { n throws(ConfigurationError) in try reader.boolean(n, key: "\(key).\(name)") } ?? false
            }
            func path(_ name: String) throws(ConfigurationError) -> URL? {
                try fields[name].map { n throws(ConfigurationError) in
                    ExperimentConfiguration.resolve(try reader.string(n, key: "\(key).\(name)"), against: folder)
                }
            }
            func count(_ name: String, _ fallback: Int) throws(ConfigurationError) -> Int {
                guard let n = fields[name] else { return fallback }
                let value = try reader.integer(n, key: "\(key).\(name)")
                guard value >= 1 else { throw reader.error(n, key: "\(key).\(name)", "must be at least 1, got \(value)") }
                return value
            }
            arguments.dataPath = try path("data_path")
            arguments.labelPath = try path("label_path")
            let window = try fields["window_size"].map { n throws(ConfigurationError) in
                try reader.integer(n, key: "\(key).window_size")
            } ?? -1
            arguments.options = FeederOptions(randomChoose: try flag("random_choose"), randomShift: try flag("random_shift"),
                                              randomMove: try flag("random_move"), windowSize: window, debug: try flag("debug"))
            if arguments.options.randomChoose && window < 1, let n = fields["random_choose"] {
                throw reader.error(n, key: "\(key).random_choose", "needs window_size of at least 1")
            }
            if try flag("uniform_sampling") {
                guard window >= 1 else {
                    throw reader.error(fields["uniform_sampling"] ?? node, key: "\(key).uniform_sampling", "needs window_size of at least 1")
                }
                arguments.options.uniformSampling = key == "train_feeder_args" ? .random : .centered
            }
            arguments.samplesPerClass = try count("samples_per_class", key == "train_feeder_args" ? 20 : 8)
            arguments.frames = try count("frames", 64)
            arguments.variableLength = try flag("variable_length")
            arguments.center = try flag("center")
            arguments.persons = try count("persons", 2)
            if arguments.persons > 2, let n = fields["persons"] {
                throw reader.error(n, key: "\(key).persons", "must be 1 or 2, got \(arguments.persons)")
            }
            if kind == .official {
                guard arguments.dataPath != nil else {
                    throw reader.error(node, key: "\(key).data_path", "missing; expected the .npy data file")
                }
                guard arguments.labelPath != nil else {
                    throw reader.error(node, key: "\(key).label_path", "missing; expected the .pkl label file")
                }
            }
            return arguments
        }
        let train = try feederArguments("train_feeder_args")
        testFeeder = try feederArguments("test_feeder_args")
        switch purpose {
        case .train:
            guard let train else {
                throw ConfigurationError(file: source.path, key: "train_feeder_args",
                                         message: "missing; expected {data_path, label_path} of the training data")
            }
            trainFeeder = train
        case .test:
            guard testFeeder != nil else {
                throw ConfigurationError(file: source.path, key: "test_feeder_args",
                                         message: "missing; expected {data_path, label_path} of the test data")
            }
            trainFeeder = train ?? FeederArguments()
        }

        baseLearningRate = try number("base_lr", 0.01)
        weightDecay = try number("weight_decay", 0.0001)
        if let node = top["step"] {
            switch node {
            case .sequence(let items):
                var values: [Int] = []
                for (index, item) in items.enumerated() {
                    let value = try reader.integer(item, key: "step[\(index)]")
                    guard value >= 0 else { throw reader.error(item, key: "step[\(index)]", "must not be negative") }
                    values.append(value)
                }
                steps = values
            default:
                steps = [try reader.integer(node, key: "step")]
            }
        } else {
            steps = []
        }
        syncBatchNorm = try top["sync_bn"].map { n throws(ConfigurationError) in try reader.boolean(n, key: "sync_bn") } ?? false
        nesterov = try top["nesterov"].map { n throws(ConfigurationError) in try reader.boolean(n, key: "nesterov") } ?? true
        if let node = top["optimizer"] {
            let name = try reader.string(node, key: "optimizer")
            guard Self.supportedOptimizers.contains(name) else {
                throw reader.error(node, key: "optimizer", "unsupported optimizer \"\(name)\"; supported: SGD")
            }
        }
        batchSize = try integer("batch_size", 256, minimum: 1)
        testBatchSize = try integer("test_batch_size", 256, minimum: 1)
        epochCount = try integer("num_epoch", 80, minimum: 0)
        startEpoch = try integer("start_epoch", 0, minimum: 0)
        evalInterval = try integer("eval_interval", 5, minimum: 1)
        saveInterval = try integer("save_interval", 10, minimum: 1)
        logInterval = try integer("log_interval", 100, minimum: 1)
        seed = UInt64(try integer("seed", 1, minimum: 0))
        if let node = top["ignore_weights"] {
            switch node {
            case .sequence(let items):
                var names: [String] = []
                for (index, item) in items.enumerated() { names.append(try reader.string(item, key: "ignore_weights[\(index)]")) }
                ignoreWeights = names
            default:
                ignoreWeights = node.null != nil ? [] : [try reader.string(node, key: "ignore_weights")]
            }
        } else {
            ignoreWeights = []
        }
        if let node = top["show_topk"] {
            guard case .sequence(let items) = node else { throw reader.error(node, key: "show_topk", "expected a list such as [1, 5]") }
            var values: [Int] = []
            for (index, item) in items.enumerated() {
                let k = try reader.integer(item, key: "show_topk[\(index)]")
                guard k >= 1 else { throw reader.error(item, key: "show_topk[\(index)]", "must be at least 1") }
                values.append(k)
            }
            showTopK = values
        } else {
            showTopK = [1, 5]
        }
        if startEpoch > epochCount, let node = top["start_epoch"] {
            throw reader.error(node, key: "start_epoch", "is \(startEpoch), beyond num_epoch \(epochCount)")
        }
        var notes = document.warnings
        for key in experiment.notApplicable {
            notes.append("\(source.path): \(key) does not apply here (CPU, one process); ignored")
        }
        warnings = notes
    }
}
