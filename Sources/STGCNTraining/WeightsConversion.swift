import Foundation
import SkeletonFormats
import STGCNModel

/// Rewrites a state dict for another use: `module.` prefixes removed, keys dropped by prefix
/// (the official `ignore_weights`), the classifier dropped when the class count changes for
/// fine-tuning, and optionally checked against a model.
public enum WeightsConversion {
    /// What a conversion did, for the user to read.
    public struct Report: Sendable, Equatable {
        /// Keys that had a `module.` prefix (multi-GPU checkpoints), now removed.
        public var strippedModulePrefix: [String] = []
        /// Keys dropped because they start with an ignored prefix.
        public var ignored: [String] = []
        /// Keys of the classifier (`fcn.*`) dropped because the class count changed.
        public var droppedForClassChange: [String] = []
        /// The class counts (in the file, requested) when the classifier was dropped.
        public var classChange: ClassChange?
        /// Present when the result was loaded into a model: keys it took.
        public var loaded: [String]?
        /// Present when loaded into a model: keys in the result the model does not use (`A`).
        public var unused: [String]?
        /// Present when loaded into a model: the model's keys the result lacks (they keep their
        /// fresh initialization when fine-tuning).
        public var missing: [String]?

        /// An empty report.
        public init() {}
    }

    /// A change of the number of classes for fine-tuning.
    public struct ClassChange: Sendable, Equatable {
        /// The classes of the checkpoint's classifier.
        public var from: Int
        /// The classes requested.
        public var to: Int
    }

    /// Why a conversion failed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// Two keys become the same after removing `module.`.
        case duplicateKey(source: String, key: String)
        /// The classifier weight does not have the `(num_class, C, 1, 1)` shape needed to compare class counts.
        case unexpectedClassifierShape(source: String, shape: [Int])

        public var description: String {
            switch self {
            case let .duplicateKey(source, key):
                return "\(source): key \(key) appears both with and without the module. prefix; expected one of them"
            case let .unexpectedClassifierShape(source, shape):
                return "\(source): fcn.weight has shape \(shape); expected (num_class, channels, 1, 1)"
            }
        }
    }

    /// The classifier's key prefixes: `fcn.` of a single-stream model, each stream's `fcn.` of a
    /// two-stream one.
    public static let classifierPrefixes = ["fcn.", "origin_stream.fcn.", "motion_stream.fcn."]
    /// Where the class count is read from (the classifier's weight), in order.
    public static let classifierWeightKeys = ["fcn.weight", "origin_stream.fcn.weight"]

    /// Applies the conversion to `tensors` read from `source` (named in errors).
    ///
    /// - Parameters:
    ///   - ignoring: key prefixes to drop, matched after removing `module.` (as the official
    ///     `load_weights` does).
    ///   - classCount: when given and the classifier (`fcn.weight`, or `origin_stream.fcn.weight`
    ///     of a two-stream model) has another number of classes, every classifier key is
    ///     dropped (the classifier is then trained afresh).
    ///   - network: when given, the result is loaded into it strictly, except that dropped and
    ///     ignored keys may be missing; shape mismatches and unknown keys are errors.
    /// - Returns: the converted tensors and what was done.
    public static func convert(_ tensors: [String: SafetensorsTensor], source: String, ignoring prefixes: [String] = [],
                               classCount: Int? = nil, validatingWith network: (any ActionRecognitionModel)? = nil)
        throws -> (tensors: [String: SafetensorsTensor], report: Report) {
        var report = Report()
        var result: [String: SafetensorsTensor] = [:]
        for key in tensors.keys.sorted() {
            guard let tensor = tensors[key] else { continue }
            var name = key
            if key.hasPrefix("module.") {
                name = String(key.dropFirst("module.".count))
                report.strippedModulePrefix.append(key)
                if tensors[name] != nil { throw Failure.duplicateKey(source: source, key: name) }
            }
            if prefixes.contains(where: { name.hasPrefix($0) }) {
                report.ignored.append(name)
            } else {
                result[name] = tensor
            }
        }
        var allowedMissing = prefixes
        if let classCount, let classifierKey = classifierWeightKeys.first(where: { result[$0] != nil }), let classifier = result[classifierKey] {
            guard classifier.shape.count == 4 || classifier.shape.count == 2 else {
                throw Failure.unexpectedClassifierShape(source: source, shape: classifier.shape)
            }
            if classifier.shape[0] != classCount {
                report.classChange = ClassChange(from: classifier.shape[0], to: classCount)
                report.droppedForClassChange = result.keys.filter { key in classifierPrefixes.contains { key.hasPrefix($0) } }.sorted()
                for key in report.droppedForClassChange { result[key] = nil }
                allowedMissing.append(contentsOf: classifierPrefixes)
            }
        }
        if let network {
            let loadReport = try network.load(stateDict: result, source: source, ignoring: allowedMissing)
            report.loaded = loadReport.loaded
            report.unused = loadReport.skipped
            var expected: [String] = []
            network.visitParameters(prefix: "") { name, _ in expected.append(name) }
            network.visitBuffers(prefix: "") { name, buffer in if !buffer.isCounter { expected.append(name) } }
            report.missing = expected.filter { result[$0] == nil }.sorted()
        }
        return (result, report)
    }
}
