// TEMPORARY STUB (branch `train`): a minimal stand-in for the Feeder that branch `data` is
// writing, with the same public API. DELETE THIS FILE when merging branch `data`.
import Foundation
import SkeletonFormats

/// Feeder options, as the official `train_feeder_args` / `test_feeder_args`.
public struct FeederOptions: Sendable, Equatable {
    /// `random_choose`: random crop / random-offset padding to `windowSize`.
    public var randomChoose: Bool
    /// `random_shift`: move the non-zero span of frames to a random offset.
    public var randomShift: Bool
    /// `random_move`: random rotation, scale and translation interpolated over time.
    public var randomMove: Bool
    /// `window_size`: frames per sample (−1 keeps the data's T).
    public var windowSize: Int
    /// `debug`: use only the first 100 samples.
    public var debug: Bool

    /// Options; defaults are the official feeder's.
    public init(randomChoose: Bool = false, randomShift: Bool = false, randomMove: Bool = false,
                windowSize: Int = -1, debug: Bool = false) {
        self.randomChoose = randomChoose
        self.randomShift = randomShift
        self.randomMove = randomMove
        self.windowSize = windowSize
        self.debug = debug
    }
}

/// A batch of samples `(N, C, T, V, M)` with labels and dataset indices.
public struct FeederBatch: Sendable {
    /// The values, (N, C, T, V, M) row-major.
    public var values: [Float]
    /// (N, C, T, V, M).
    public var shape: [Int]
    /// The label of each sample.
    public var labels: [Int]
    /// The dataset index of each sample.
    public var indices: [Int]
}

/// The official feeder: samples of an `(N, C, T, V, M)` array with labels.
public final class Feeder {
    private let data: [Float]
    private let dataShape: [Int]
    /// The label of each sample.
    public let labels: [Int]
    /// The name of each sample.
    public let names: [String]
    /// The options.
    public let options: FeederOptions

    /// Reads an `.npy` data file and a pickled label file.
    public convenience init(dataPath: URL, labelPath: URL, options: FeederOptions = .init()) throws {
        let array = try Npy.read(contentsOf: dataPath)
        let (names, labels) = try LabelFile.read(contentsOf: labelPath)
        try self.init(data: try array.floatValues(), shape: array.shape, labels: labels, names: names, options: options)
    }

    /// A feeder over values in memory.
    public init(data: [Float], shape: [Int], labels: [Int], names: [String], options: FeederOptions = .init()) throws {
        guard shape.count == 5, shape.reduce(1, *) == data.count else {
            throw SkeletonDataError.invalidArgument(name: "shape", value: "\(shape)", expected: "(N, C, T, V, M) matching the data")
        }
        guard labels.count == shape[0], names.count == shape[0] else {
            throw SkeletonDataError.invalidArgument(name: "labels", value: "\(labels.count)", expected: "\(shape[0]) labels and names")
        }
        let count = options.debug ? min(100, shape[0]) : shape[0]
        let per = shape[1...].reduce(1, *)
        self.data = Array(data.prefix(count * per))
        self.dataShape = [count] + Array(shape[1...])
        self.labels = Array(labels.prefix(count))
        self.names = Array(names.prefix(count))
        self.options = options
    }

    /// The number of samples.
    public var count: Int { dataShape[0] }
    /// (C, T, V, M) of the stored samples.
    public var sampleShape: [Int] { Array(dataShape[1...]) }
    /// The largest label plus one.
    public var classCount: Int { (labels.max() ?? -1) + 1 }

    /// One sample with the options' augmentations applied.
    public func sample(_ index: Int, using generator: inout some RandomNumberGenerator) throws -> SkeletonClip {
        guard index >= 0, index < count else {
            throw SkeletonDataError.invalidArgument(name: "index", value: "\(index)", expected: "0..<\(count)")
        }
        let per = sampleShape.reduce(1, *)
        var clip = try SkeletonClip(channels: dataShape[1], frames: dataShape[2], joints: dataShape[3], persons: dataShape[4],
                                    values: Array(data[(index * per)..<((index + 1) * per)]))
        if options.randomShift { clip = clip.randomShift(using: &generator) }
        if options.randomChoose {
            clip = clip.randomChoose(size: options.windowSize, using: &generator)
        } else if options.windowSize > 0 {
            clip = clip.autoPadding(size: options.windowSize, randomPad: false, using: &generator)
        }
        if options.randomMove { clip = clip.randomMove(using: &generator) }
        return clip
    }

    /// The batches of one epoch: indices, shuffled with `seed` when `shuffle`.
    public func batches(batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64) -> [[Int]] {
        var order = Array(0..<count)
        if shuffle {
            var generator = SplitMixRandom(seed: seed)
            order.shuffle(using: &generator)
        }
        var result: [[Int]] = []
        var start = 0
        while start < order.count {
            let end = min(order.count, start + max(1, batchSize))
            if end - start < batchSize && dropLast { break }
            result.append(Array(order[start..<end]))
            start = end
        }
        return result
    }

    /// The samples at `indices`, stacked.
    public func batch(indices: [Int], using generator: inout some RandomNumberGenerator) throws -> FeederBatch {
        var values: [Float] = []
        var shape: [Int] = []
        for index in indices {
            let clip = try sample(index, using: &generator)
            if shape.isEmpty { shape = [indices.count] + clip.shape }
            values.append(contentsOf: clip.values)
        }
        return FeederBatch(values: values, shape: shape.isEmpty ? [0] + sampleShape : shape,
                           labels: indices.map { labels[$0] }, indices: indices)
    }
}
