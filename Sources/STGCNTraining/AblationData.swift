import Foundation
import SkeletonData
import SkeletonFormats
import STGCNModel

/// The training and test feeders of an ablation run, checked against the model once, before
/// any variant trains.
public struct AblationData {
    /// The training samples.
    public let train: Feeder
    /// The evaluation samples.
    public let test: Feeder

    /// Feeders that are already open (e.g. in-memory data).
    public init(train: Feeder, test: Feeder) {
        self.train = train
        self.test = test
    }

    /// Opens (or, for `feeder: synthetic`, generates) the data of `settings` for `model`.
    /// - Throws: `AblationError` when the data do not fit the model; `FeederError` and
    ///   `SkeletonDataError` for unreadable files; `NonFiniteDataError` for data holding NaN or Inf.
    public init(settings: AblationSettings, model: ModelConfiguration) throws {
        if settings.synthetic {
            let layout: SyntheticActions.Layout
            switch model.layout.name {
            case SyntheticActions.Layout.ntuRGBD.rawValue: layout = .ntuRGBD
            case SyntheticActions.Layout.openpose.rawValue: layout = .openpose
            default:
                throw AblationError.mismatch("the synthetic feeder makes ntu-rgb+d or openpose clips, not \(model.layout.name)")
            }
            func make(_ arguments: FeederArguments, _ split: SyntheticActions.Split) throws -> Feeder {
                let set = try SyntheticActions(seed: 0).makeDataset(samplesPerClass: arguments.samplesPerClass,
                                                                    frames: arguments.frames, split: split, layout: layout)
                return try Feeder(data: set.data, shape: [set.labels.count, 3, arguments.frames, model.layout.jointCount, 2],
                                  labels: set.labels, names: set.names, options: arguments.options)
            }
            train = try make(settings.train, .train)
            test = try make(settings.test, .test)
        } else {
            func open(_ arguments: FeederArguments, _ key: String) throws -> Feeder {
                guard let data = arguments.dataPath, let labels = arguments.labelPath else {
                    throw AblationError.mismatch("\(key) needs data_path and label_path")
                }
                let feeder = try Feeder(dataPath: data, labelPath: labels, options: arguments.options)
                // The non-finite policy of every command: NaN or Inf anywhere is an error.
                try FiniteDataCheck.requireFinite(try Npy.read(contentsOf: data), axes: FiniteDataCheck.batchAxes, file: data.path)
                return feeder
            }
            train = try open(settings.train, "train_feeder_args")
            test = try open(settings.test, "test_feeder_args")
        }
        for (feeder, key) in [(train, "train_feeder_args"), (test, "test_feeder_args")] {
            let shape = feeder.sampleShape
            guard shape.count == 4, shape[0] == model.inputChannels, shape[2] == model.layout.jointCount else {
                throw AblationError.mismatch("\(feeder.source) (\(key)): samples are \(shape) (C, T, V, M); the model needs C = \(model.inputChannels), V = \(model.layout.jointCount)")
            }
            guard feeder.classCount <= model.classCount else {
                throw AblationError.mismatch("\(feeder.source) (\(key)): labels go up to \(feeder.classCount - 1); model_args.num_class is \(model.classCount)")
            }
            guard feeder.count > 0 else { throw AblationError.mismatch("\(feeder.source) (\(key)) has no samples") }
        }
    }
}
