import Foundation
import SkeletonData
import SkeletonFormats
import STGCNModel

/// The feeders of a run, built from a configuration after every cheap check has passed:
/// files exist, arrays are float32 `(N, C, T, V, M)` with the model's C and V, label files
/// match the sample count, and labels fit `num_class`. All of this happens before training.
public struct TrainingDataSet {
    /// The training samples.
    public let train: Feeder
    /// The evaluation samples, when `test_feeder_args` is given.
    public let test: Feeder?
    /// Class names, when the data set knows them (the synthetic one does).
    public let classNames: [String]?
    /// Things worth telling the user (e.g. fewer classes in the labels than `num_class`).
    public let notes: [String]

    /// Checks and opens the feeders of `configuration`.
    public static func load(_ configuration: TrainingConfiguration) throws -> TrainingDataSet {
        let model = configuration.model
        var notes: [String] = []
        switch configuration.feeder {
        case .official:
            try check(configuration.trainFeeder, key: "train_feeder_args", model: model, notes: &notes)
            if let test = configuration.testFeeder {
                try check(test, key: "test_feeder_args", model: model, notes: &notes)
            }
            let train = try open(configuration.trainFeeder)
            let test = try configuration.testFeeder.map { try open($0) }
            return TrainingDataSet(train: train, test: test, classNames: nil, notes: notes)
        case .synthetic:
            let layout = try syntheticLayout(for: model)
            guard model.inputChannels == 3 else {
                throw TrainingError.mismatch("the synthetic feeder makes 3 channels; model_args.in_channels is \(model.inputChannels)")
            }
            guard model.classCount >= SyntheticActions.classCount else {
                throw TrainingError.mismatch("the synthetic data set has \(SyntheticActions.classCount) classes; model_args.num_class is \(model.classCount)")
            }
            let train = try synthetic(configuration.trainFeeder, split: .train, layout: layout)
            let test = try configuration.testFeeder.map { try synthetic($0, split: .test, layout: layout) }
            return TrainingDataSet(train: train, test: test, classNames: SyntheticActions.classNames, notes: notes)
        }
    }

    /// Opens one feeder of the test configuration only (for `stgcn test`), with the same checks.
    public static func loadTest(_ arguments: FeederArguments, kind: FeederKind, model: ModelConfiguration) throws -> Feeder {
        var notes: [String] = []
        switch kind {
        case .official:
            try check(arguments, key: "test_feeder_args", model: model, notes: &notes)
            return try open(arguments)
        case .synthetic:
            return try synthetic(arguments, split: .test, layout: try syntheticLayout(for: model))
        }
    }

    /// The synthetic clips' layout for `model`, or an error naming the model's layout.
    static func syntheticLayout(for model: ModelConfiguration) throws(TrainingError) -> SyntheticActions.Layout {
        guard let layout = SyntheticActions.Layout(for: model.layout) else {
            throw .mismatch("the synthetic feeder makes ntu-rgb+d or openpose clips; model_args.graph_args.layout is \(model.layout.name)")
        }
        return layout
    }

    static func synthetic(_ arguments: FeederArguments, split: SyntheticActions.Split, layout: SyntheticActions.Layout) throws -> Feeder {
        var options = SyntheticActions.Options()
        options.variableLength = arguments.variableLength
        let generator = SyntheticActions(seed: 0, options: options)
        let set = try generator.makeDataset(samplesPerClass: arguments.samplesPerClass, frames: arguments.frames,
                                            split: split, layout: layout)
        let joints = layout.jointCount
        var data = set.data
        if arguments.center {
            centerClips(&data, count: set.labels.count, frames: arguments.frames, joints: joints,
                        coordinates: layout.coordinateCount, centerJoint: layout.centerJoint)
        }
        if arguments.persons == 1 {
            data = stride(from: 0, to: data.count, by: 2).map { data[$0] }  // M is the innermost axis
        }
        return try Feeder(data: data, shape: [set.labels.count, 3, arguments.frames, joints, arguments.persons],
                          labels: set.labels, names: set.names, options: arguments.options)
    }

    /// Subtracts, per clip, the first non-missing position of person 1's `centerJoint` from the
    /// first `coordinates` channels of every non-missing joint (zeros stay zeros).
    static func centerClips(_ data: inout [Float], count: Int, frames: Int, joints: Int, coordinates: Int, centerJoint: Int) {
        let persons = 2, channels = 3
        let clipSize = channels * frames * joints * persons
        func index(_ n: Int, _ c: Int, _ t: Int, _ v: Int, _ m: Int) -> Int {
            n * clipSize + ((c * frames + t) * joints + v) * persons + m
        }
        for n in 0..<count {
            guard let t0 = (0..<frames).first(where: { t in (0..<channels).contains { data[index(n, $0, t, centerJoint, 0)] != 0 } }) else {
                continue
            }
            let origin = (0..<coordinates).map { data[index(n, $0, t0, centerJoint, 0)] }
            for t in 0..<frames {
                for v in 0..<joints {
                    for m in 0..<persons {
                        let present = (0..<channels).contains { data[index(n, $0, t, v, m)] != 0 }
                        guard present else { continue }
                        for c in 0..<coordinates { data[index(n, c, t, v, m)] -= origin[c] }
                    }
                }
            }
        }
    }

    static func open(_ arguments: FeederArguments) throws -> Feeder {
        guard let data = arguments.dataPath, let labels = arguments.labelPath else {
            throw TrainingError.mismatch("a feeder needs data_path and label_path")
        }
        return try Feeder(dataPath: data, labelPath: labels, options: arguments.options)
    }

    /// The cheap checks: files, dtype, shape against the model, labels against the samples and classes.
    static func check(_ arguments: FeederArguments, key: String, model: ModelConfiguration, notes: inout [String]) throws {
        guard let dataURL = arguments.dataPath, let labelURL = arguments.labelPath else {
            throw TrainingError.mismatch("\(key): data_path and label_path are required")
        }
        for (url, name) in [(dataURL, "data_path"), (labelURL, "label_path")] where !FileManager.default.fileExists(atPath: url.path) {
            throw TrainingError.data(file: url.path, reason: "not found (\(key).\(name))")
        }
        let array: NpyArray
        do { array = try Npy.read(contentsOf: dataURL) } catch { throw TrainingError.data(file: dataURL.path, reason: "\(error)") }
        let shape = array.shape
        guard array.dtype == .float32 else {
            throw TrainingError.data(file: dataURL.path, reason: "dtype \(array.dtype.descr); expected float32 (\(key).data_path)")
        }
        guard shape.count == 5 else {
            throw TrainingError.data(file: dataURL.path, reason: "shape \(shape); expected (N, C, T, V, M) (\(key).data_path)")
        }
        guard shape[1] == model.inputChannels else {
            throw TrainingError.data(file: dataURL.path, reason: "shape \(shape) has C=\(shape[1]); model_args.in_channels is \(model.inputChannels)")
        }
        guard shape[3] == model.layout.jointCount else {
            throw TrainingError.data(file: dataURL.path,
                                     reason: "shape \(shape) has V=\(shape[3]); layout \(model.layout.name) has \(model.layout.jointCount) joints")
        }
        guard shape[0] >= 1, shape[2] >= 1, shape[4] >= 1 else {
            throw TrainingError.data(file: dataURL.path, reason: "shape \(shape) is empty")
        }
        let (names, labels): ([String], [Int])
        do { (names, labels) = try LabelFile.read(contentsOf: labelURL) } catch {
            throw TrainingError.data(file: labelURL.path, reason: "\(error)")
        }
        guard labels.count == shape[0], names.count == shape[0] else {
            throw TrainingError.data(file: labelURL.path,
                                     reason: "\(labels.count) labels for the \(shape[0]) samples of \(dataURL.lastPathComponent) (\(key))")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw TrainingError.data(file: labelURL.path,
                                     reason: "label \(bad) is outside 0..<\(model.classCount) (model_args.num_class \(model.classCount))")
        }
        let used = Set(labels).count
        if used < model.classCount {
            notes.append("\(labelURL.lastPathComponent): \(used) of the \(model.classCount) classes occur (\(key))")
        }
        // Last, as it reads the whole array: NaN or Inf anywhere is an error (FiniteDataCheck).
        try FiniteDataCheck.requireFinite(array, axes: FiniteDataCheck.batchAxes, file: dataURL.path)
    }
}
