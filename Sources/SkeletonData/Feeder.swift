import Foundation
import SeededRandom
import SkeletonFormats

/// The options of the official `feeder.Feeder` (`feeder/feeder.py` of yysijie/st-gcn), with
/// its defaults.
public struct FeederOptions: Sendable, Equatable {
    /// Official `random_choose`: crop a random window of `windowSize` frames (or zero-pad a
    /// shorter clip to `windowSize` at a random offset). Ignored while `windowSize <= 0`.
    public var randomChoose = false
    /// Official `random_shift`: move the span of non-zero frames to a random offset.
    public var randomShift = false
    /// Official `random_move`: a random rotation, scale and translation of x and y,
    /// interpolated linearly over the clip.
    public var randomMove = false
    /// Official `window_size`: −1 (default) keeps every frame; a positive value makes clips
    /// exactly this long under `randomChoose`, and otherwise zero-pads shorter clips at the end
    /// to this length (official `auto_pading`, which never cuts a longer clip).
    public var windowSize = -1
    /// Official `debug`: use only the first 100 samples.
    public var debug = false
    /// Not in the official feeder (PySKL's uniform sampling, key `uniform_sampling`): with a
    /// `windowSize` of at least 1, clips are `SkeletonClip.uniformlySampled` to `windowSize`
    /// frames from their valid frames instead of cropped (`randomChoose`) or zero-padded.
    /// `.random` for training, `.centered` for evaluation; nil (default) leaves it off.
    public var uniformSampling: UniformSamplingMode?

    /// Options; the defaults are the official feeder's.
    public init(randomChoose: Bool = false, randomShift: Bool = false, randomMove: Bool = false, windowSize: Int = -1, debug: Bool = false,
                uniformSampling: UniformSamplingMode? = nil) {
        self.randomChoose = randomChoose
        self.randomShift = randomShift
        self.randomMove = randomMove
        self.windowSize = windowSize
        self.debug = debug
        self.uniformSampling = uniformSampling
    }
}

/// A batch of samples stacked as the model's input.
public struct FeederBatch: Sendable {
    /// `shape.reduce(1, *)` values in (N, C, T, V, M) row-major order.
    public var values: [Float]
    /// `[N, C, T, V, M]`.
    public var shape: [Int]
    /// The label of each sample.
    public var labels: [Int]
    /// The dataset index of each sample.
    public var indices: [Int]

    /// Creates a batch.
    public init(values: [Float], shape: [Int], labels: [Int], indices: [Int]) {
        self.values = values
        self.shape = shape
        self.labels = labels
        self.indices = indices
    }
}

/// Why a dataset could not be opened or a sample not read.
///
/// `description` is one line naming the file (or argument) and what was expected.
public enum FeederError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The data or label file does not exist.
    case missingFile(file: String, role: String)
    /// The `.npy` data file was rejected.
    case data(NpyError)
    /// The label pickle was rejected.
    case labels(LabelFileError)
    /// The data array is not (N, C, T, V, M).
    case wrongShape(file: String, shape: [Int], expected: String)
    /// The data file and the label file hold different numbers of samples.
    case countMismatch(dataFile: String, samples: Int, labelFile: String, labels: Int)
    /// A label is negative.
    case negativeLabel(file: String, index: Int, label: Int)
    /// A sample index is outside `0..<count`.
    case indexOutOfRange(index: Int, count: Int)
    /// An argument is invalid.
    case invalidArgument(name: String, value: String, expected: String)

    /// One line: file, place, and what was expected.
    public var description: String {
        switch self {
        case let .missingFile(file, role):
            return "\(file): \(role) file not found"
        case let .data(error):
            return error.description
        case let .labels(error):
            return error.description
        case let .wrongShape(file, shape, expected):
            return "\(file): shape \(shape), expected \(expected)"
        case let .countMismatch(dataFile, samples, labelFile, labels):
            return "\(dataFile) holds \(samples) samples but \(labelFile) holds \(labels) labels, expected equal counts"
        case let .negativeLabel(file, index, label):
            return "\(file): label \(index) is \(label), expected a non-negative class index"
        case let .indexOutOfRange(index, count):
            return "sample index \(index) is out of range, expected 0..<\(count)"
        case let .invalidArgument(name, value, expected):
            return "argument \(name): \(TextQuoting.oneLine(value)), expected \(TextQuoting.oneLine(expected))"
        }
    }
}

/// The official ST-GCN data feeder: samples of an `(N, C, T, V, M)` dataset with their labels,
/// augmented as `feeder/feeder.py` does it, and batches of them.
///
/// A dataset opened from files stays memory-mapped: each sample is decoded from the mapped
/// `.npy` when it is asked for, so a 10 GB NTU file costs no resident memory up front.
/// All state is immutable, so one feeder can be shared between threads; randomness comes only
/// from the generator passed in (or the seed of `batches`), so runs are reproducible.
public final class Feeder: Sendable {
    /// The number of samples the official `debug` option keeps.
    public static let debugSampleCount = 100

    private enum Storage: Sendable {
        /// A C-order array read from a (memory-mapped) `.npy` file.
        case mapped(NpyArray)
        /// Values in memory, (N, C, T, V, M).
        case memory([Float])
    }

    private let storage: Storage
    /// The stored shape (C, T, V, M) of one sample, before windowing.
    public let storedSampleShape: [Int]
    /// Where the data came from, for errors.
    public let source: String
    /// The options in force.
    public let options: FeederOptions
    /// Each sample's label.
    public let labels: [Int]
    /// Each sample's name (the label file's `sample_names`).
    public let names: [String]

    /// Opens an official dataset: a float `(N, C, T, V, M)` `.npy` (memory-mapped) and its
    /// pickled `(sample_names, labels)` label file.
    /// - Throws: `FeederError` naming the file: a missing file, an unreadable or malformed
    ///   `.npy` or pickle, data that is not 5-dimensional, sample counts that differ between the
    ///   two files, a negative label, or a negative `windowSize` other than −1.
    public init(dataPath: URL, labelPath: URL, options: FeederOptions = .init()) throws {
        try Self.check(options)
        guard FileManager.default.fileExists(atPath: dataPath.path) else { throw FeederError.missingFile(file: dataPath.path, role: "data (.npy)") }
        guard FileManager.default.fileExists(atPath: labelPath.path) else { throw FeederError.missingFile(file: labelPath.path, role: "label (.pkl)") }
        let array: NpyArray
        do { array = try Npy.read(contentsOf: dataPath) } catch { throw FeederError.data(error) }
        guard array.shape.count == 5 else {
            throw FeederError.wrongShape(file: dataPath.path, shape: array.shape, expected: "5 dimensions (N, C, T, V, M)")
        }
        guard [.float16, .float32, .float64].contains(array.dtype) else {
            throw FeederError.data(.notConvertible(file: dataPath.path, dtype: array.dtype, target: "Float", reason: "expected a floating-point dtype such as '<f4'"))
        }
        let (names, labels): ([String], [Int])
        do { (names, labels) = try LabelFile.read(contentsOf: labelPath) } catch { throw FeederError.labels(error) }
        guard labels.count == array.shape[0] else {
            throw FeederError.countMismatch(dataFile: dataPath.path, samples: array.shape[0], labelFile: labelPath.path, labels: labels.count)
        }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw FeederError.negativeLabel(file: labelPath.path, index: bad, label: labels[bad])
        }
        let kept = options.debug ? min(labels.count, Self.debugSampleCount) : labels.count
        if array.isFortranOrder {
            // Rare (np.asfortranarray data): decode once into C order, only the kept samples.
            let all: [Float]
            do { all = try array.floatValues() } catch { throw FeederError.data(error) }
            storage = .memory(Array(all.prefix(kept * array.shape[1...].reduce(1, *))))
        } else {
            storage = .mapped(array)
        }
        storedSampleShape = Array(array.shape[1...])
        source = dataPath.path
        self.options = options
        self.labels = Array(labels.prefix(kept))
        self.names = Array(names.prefix(kept))
    }

    /// A dataset in memory (e.g. the synthetic set): `data` in (N, C, T, V, M) order.
    /// - Parameter names: one per sample, or empty for names `"0"`, `"1"`, ….
    /// - Throws: `FeederError` when `shape` is not 5 non-negative dimensions filled by `data`,
    ///   the label or name count is not N, a label is negative, or `windowSize` is invalid.
    public init(data: [Float], shape: [Int], labels: [Int], names: [String], options: FeederOptions = .init()) throws {
        try Self.check(options)
        guard shape.count == 5, shape.allSatisfy({ $0 >= 0 }) else {
            throw FeederError.wrongShape(file: "<memory>", shape: shape, expected: "5 non-negative dimensions (N, C, T, V, M)")
        }
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw FeederError.wrongShape(file: "<memory>", shape: shape, expected: "a size that fits in memory") }
            product = next
        }
        guard product == data.count else {
            throw FeederError.wrongShape(file: "<memory>", shape: shape, expected: "\(data.count) values to fill it (product \(product))")
        }
        guard labels.count == shape[0] else {
            throw FeederError.countMismatch(dataFile: "<memory>", samples: shape[0], labelFile: "<labels>", labels: labels.count)
        }
        guard names.isEmpty || names.count == shape[0] else {
            throw FeederError.invalidArgument(name: "names", value: "\(names.count) names", expected: "\(shape[0]) names (one per sample) or none")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw FeederError.negativeLabel(file: "<labels>", index: bad, label: labels[bad])
        }
        let kept = options.debug ? min(labels.count, Self.debugSampleCount) : labels.count
        let sampleSize = shape[1...].reduce(1, *)
        storage = .memory(kept == labels.count ? data : Array(data.prefix(kept * sampleSize)))
        storedSampleShape = Array(shape[1...])
        source = "<memory>"
        self.options = options
        self.labels = Array(labels.prefix(kept))
        self.names = names.isEmpty ? (0..<kept).map(String.init) : Array(names.prefix(kept))
    }

    private static func check(_ options: FeederOptions) throws {
        guard options.windowSize == -1 || options.windowSize >= 0 else {
            throw FeederError.invalidArgument(name: "windowSize", value: "\(options.windowSize)", expected: "-1 (all frames) or a frame count")
        }
    }

    /// The number of samples (at most 100 under `debug`).
    public var count: Int { labels.count }

    /// The number of classes: the largest label + 1 (0 for an empty dataset).
    public var classCount: Int { (labels.max() ?? -1) + 1 }

    /// The shape (C, T, V, M) of the samples `sample(_:using:)` returns: T is `windowSize`
    /// under `randomChoose` or `uniformSampling`, at least `windowSize` otherwise (padding never cuts), else the
    /// stored T.
    public var sampleShape: [Int] {
        var shape = storedSampleShape
        let window = options.windowSize
        if window > 0 {
            shape[1] = options.randomChoose || options.uniformSampling != nil ? window : max(shape[1], window)
        }
        return shape
    }

    /// Sample `index` as stored, without augmentation.
    /// - Throws: `FeederError.indexOutOfRange`, or `.data` when the mapped file cannot be decoded.
    public func rawSample(_ index: Int) throws -> SkeletonClip {
        guard index >= 0, index < count else { throw FeederError.indexOutOfRange(index: index, count: count) }
        let shape = storedSampleShape
        let size = shape.reduce(1, *)
        let values: [Float]
        switch storage {
        case let .mapped(array):
            do { values = try array.floatValues(elements: (index * size)..<((index + 1) * size)) } catch { throw FeederError.data(error) }
        case let .memory(all):
            values = Array(all[(index * size)..<((index + 1) * size)])
        }
        return SkeletonClip(uncheckedChannels: shape[0], frames: shape[1], joints: shape[2], persons: shape[3], values: values)
    }

    /// Sample `index` with the enabled augmentations, in the official order: `random_shift`,
    /// then `random_choose(windowSize)` or (windowSize > 0) `auto_pading(windowSize)` (or, with
    /// `uniformSampling` on, uniform sampling to windowSize in their place), then `random_move`.
    /// - Throws: `FeederError.indexOutOfRange`, or `.data` when the mapped file cannot be decoded.
    public func sample(_ index: Int, using generator: inout some RandomNumberGenerator) throws -> SkeletonClip {
        var clip = try rawSample(index)
        if options.randomShift { clip = clip.randomShift(using: &generator) }
        if let mode = options.uniformSampling, options.windowSize > 0 {
            clip = clip.uniformlySampled(size: options.windowSize, mode: mode, using: &generator)
        } else if options.randomChoose, options.windowSize > 0 {
            clip = clip.randomChoose(size: options.windowSize, using: &generator)
        } else if options.windowSize > 0 {
            clip = clip.autoPadding(size: options.windowSize, randomPad: false, using: &generator)
        }
        if options.randomMove, clip.channels >= 2 { clip = clip.randomMove(using: &generator) }
        return clip
    }

    /// The sample indices of one epoch split into batches: `0..<count` in order, or shuffled
    /// (Fisher–Yates driven by SplitMix64 seeded with `seed`, so the order depends only on the
    /// seed and the count, on every platform and Swift version). The last batch is shorter
    /// unless `dropLast` drops it.
    /// - Precondition: `batchSize >= 1`.
    public func batches(batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64) -> [[Int]] {
        Self.batches(count: count, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed)
    }

    /// `batches(batchSize:shuffle:dropLast:seed:)` for a dataset of `count` samples.
    public static func batches(count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64) -> [[Int]] {
        precondition(batchSize >= 1, "Feeder.batches: batchSize must be at least 1")
        var order = Array(0..<max(0, count))
        if shuffle, order.count > 1 {
            var random = SplitMix64(keys: seed, 0xFEED)
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                // Unbiased index in 0...i (Lemire's multiply-shift with rejection).
                let bound = UInt64(i + 1)
                var product = random.next().multipliedFullWidth(by: bound)
                if product.low < bound {
                    let threshold = (0 &- bound) % bound
                    while product.low < threshold { product = random.next().multipliedFullWidth(by: bound) }
                }
                order.swapAt(i, Int(product.high))
            }
        }
        var result: [[Int]] = []
        result.reserveCapacity(order.count / batchSize + 1)
        var start = 0
        while start < order.count {
            let end = min(start + batchSize, order.count)
            if end - start < batchSize, dropLast { break }
            result.append(Array(order[start..<end]))
            start = end
        }
        return result
    }

    /// The samples at `indices`, each augmented (drawing from `generator` in index order),
    /// stacked as `(N, C, T, V, M)`.
    /// - Throws: `FeederError` for an index out of range or an undecodable sample.
    public func batch(indices: [Int], using generator: inout some RandomNumberGenerator) throws -> FeederBatch {
        let shape = sampleShape
        let size = shape.reduce(1, *)
        var values = [Float]()
        values.reserveCapacity(size * indices.count)
        var labels: [Int] = []
        labels.reserveCapacity(indices.count)
        for index in indices {
            let clip = try sample(index, using: &generator)
            guard clip.values.count == size else {
                // Cannot happen for a consistent dataset; reported rather than trapped.
                throw FeederError.wrongShape(file: source, shape: [index] + clip.shape, expected: "sample shape \(shape)")
            }
            values.append(contentsOf: clip.values)
            labels.append(self.labels[index])
        }
        return FeederBatch(values: values, shape: [indices.count] + shape, labels: labels, indices: indices)
    }
}
