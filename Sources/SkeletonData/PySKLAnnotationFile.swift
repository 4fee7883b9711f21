import Foundation
import SkeletonFormats

/// A PySKL / MMAction2 skeleton annotation pickle: `{'split': {name: [frame_dir, …]},
/// 'annotations': [annotation dict, …]}`, or (older MMAction2 files) just the list of
/// annotation dicts.
///
/// The pickle is read by the restricted reader with numpy arrays allowed
/// (`NumpyPickle.readerOptions`): nothing in it is executed, and any other global is refused.
/// Keypoints may be float16, float32 or float64, little- or big-endian, C or Fortran order;
/// labels Python ints or numpy integer scalars. Every annotation is checked while reading, and
/// errors name the file, the annotation and the field, e.g.
/// `ann.pkl: annotations[12].keypoint: found shape (3, 4), expected a float array of shape (M, T, V, C)`.
public struct PySKLAnnotationFile: Sendable, Hashable {
    /// One entry of the `split` dict.
    public struct Split: Sendable, Hashable {
        /// The split's name, e.g. `xsub_train`.
        public var name: String
        /// The `frame_dir`s of its samples, in file order.
        public var frameDirectories: [String]

        /// Creates a split.
        public init(name: String, frameDirectories: [String]) {
            self.name = name
            self.frameDirectories = frameDirectories
        }
    }

    /// The annotations, in file order.
    public var annotations: [PySKLAnnotation]
    /// The splits in file order; nil when the file is a plain list of annotations.
    public var splits: [Split]?
    /// How many non-finite keypoint or score values were replaced by 0 (`NonFinitePolicy.replaceWithZero`).
    public var replacedNonFiniteValues: Int

    /// Creates a file's contents from its parts.
    public init(annotations: [PySKLAnnotation], splits: [Split]?, replacedNonFiniteValues: Int = 0) {
        self.annotations = annotations
        self.splits = splits
        self.replacedNonFiniteValues = replacedNonFiniteValues
    }

    /// Reads the annotation pickle at `url`.
    /// - Parameter nonFinite: what to do with NaN or infinite keypoints and scores.
    /// - Throws: `SkeletonDataError` naming the file (and the annotation and field, or the
    ///   pickle's byte offset).
    public init(contentsOf url: URL, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path, nonFinite: nonFinite)
    }

    /// Decodes annotation-pickle bytes; `source` names them in errors.
    /// - Throws: `SkeletonDataError`.
    public init(data: Data, source: String, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        let root: PickleValue
        do {
            root = try PickleReader.read(data, source: source, options: NumpyPickle.readerOptions).value
        } catch {
            throw .pickle(error)
        }
        let list: [PickleValue]
        switch root {
        case let .list(items), let .tuple(items):
            list = items
            splits = nil
        case .dict:
            guard let annotations = root["annotations"] else {
                throw .malformed(file: source, line: nil, field: "annotations", expected: "a list of annotation dicts", found: "no such key")
            }
            guard case let .list(items) = annotations else {
                throw .malformed(file: source, line: nil, field: "annotations", expected: "a list of annotation dicts", found: annotations.kindName)
            }
            list = items
            splits = try root["split"].map { value throws(SkeletonDataError) in try Self.splits(value, source: source) }
        default:
            throw .malformed(file: source, line: nil, field: "pickle", expected: "a dict {'split': …, 'annotations': […]} or a list of annotation dicts",
                             found: root.kindName)
        }
        // A pickle can reference one array from many annotations (memo), so a small file could
        // expand into huge decoded data: allow at most 4 decoded values per file byte (a file
        // stores each float16 value in 2 bytes, wider types in more).
        var reader = AnnotationReader(source: source, filter: NonFiniteFilter(nonFinite, file: source),
                                      valueBudget: data.count.multipliedReportingOverflow(by: 4).partialValue)
        var annotations: [PySKLAnnotation] = []
        annotations.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            annotations.append(try reader.annotation(item, index: index))
        }
        self.annotations = annotations
        replacedNonFiniteValues = reader.filter.replaced
    }

    /// The split called `name`, if the file has it.
    public func split(named name: String) -> Split? {
        splits?.first { $0.name == name }
    }

    /// The annotations of `split`, in annotation order, with their index in `annotations` —
    /// as PySKL selects them (the annotations whose `frame_dir` the split lists).
    public func annotations(in split: Split) -> [(index: Int, annotation: PySKLAnnotation)] {
        let members = Set(split.frameDirectories)
        return annotations.enumerated().filter { members.contains($0.element.frameDirectory) }.map { ($0.offset, $0.element) }
    }

    private static func splits(_ value: PickleValue, source: String) throws(SkeletonDataError) -> [Split] {
        guard case let .dict(entries) = value else {
            throw .malformed(file: source, line: nil, field: "split", expected: "a dict {name: [frame_dir, …]}", found: value.kindName)
        }
        var splits: [Split] = []
        for entry in entries {
            guard case let .string(name) = entry.key else {
                throw .malformed(file: source, line: nil, field: "split", expected: "str keys", found: entry.key.kindName)
            }
            let field = "split[\(TextQuoting.quoted(name))]"
            let items: [PickleValue]
            switch entry.value {
            case let .list(values), let .tuple(values): items = values
            default: throw .malformed(file: source, line: nil, field: field, expected: "a list of frame_dir strings", found: entry.value.kindName)
            }
            var names: [String] = []
            names.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case let .string(frameDirectory) = item else {
                    throw .malformed(file: source, line: nil, field: "\(field)[\(index)]", expected: "a frame_dir string", found: item.kindName)
                }
                names.append(frameDirectory)
            }
            splits.append(Split(name: name, frameDirectories: names))
        }
        return splits
    }
}

/// Decodes annotation dicts, naming `annotations[i].field` in errors.
private struct AnnotationReader {
    let source: String
    var filter: NonFiniteFilter
    /// Values that may still be decoded (see `PySKLAnnotationFile.init(data:source:nonFinite:)`).
    var valueBudget: Int

    mutating func annotation(_ value: PickleValue, index: Int) throws(SkeletonDataError) -> PySKLAnnotation {
        let place = "annotations[\(index)]"
        guard case .dict = value else {
            throw .malformed(file: source, line: nil, field: place, expected: "an annotation dict", found: value.kindName)
        }
        func field(_ key: String) -> PickleValue? {
            guard let found = value[key], found != .none else { return nil }
            return found
        }
        func malformed(_ key: String, expected: String, found: String) -> SkeletonDataError {
            .malformed(file: source, line: nil, field: "\(place).\(key)", expected: expected, found: found)
        }

        guard let frameValue = field("frame_dir") else { throw malformed("frame_dir", expected: "a str", found: "no such key") }
        guard case let .string(frameDirectory) = frameValue else { throw malformed("frame_dir", expected: "a str", found: frameValue.kindName) }

        guard let labelValue = field("label") else { throw malformed("label", expected: "a class index", found: "no such key") }
        let label = try integer(labelValue, key: "label", place: place)

        guard let keypointValue = field("keypoint") else {
            throw malformed("keypoint", expected: "a float array of shape (M, T, V, C)", found: "no such key")
        }
        let keypoint = try floatArray(keypointValue, key: "keypoint", place: place, rank: 4, shapeName: "(M, T, V, C)")
        let shape = keypoint.shape
        var score: [Float]?
        if let scoreValue = field("keypoint_score") {
            let array = try floatArray(scoreValue, key: "keypoint_score", place: place, rank: 3, shapeName: "(M, T, V)")
            guard array.shape == Array(shape.prefix(3)) else {
                throw malformed("keypoint_score", expected: "shape \(Self.python(Array(shape.prefix(3)))) = keypoint's (M, T, V)",
                                found: "shape \(Self.python(array.shape))")
            }
            score = try values(array, key: "keypoint_score", place: place)
        }
        var totalFrames: Int?
        if let totalValue = field("total_frames") { totalFrames = try integer(totalValue, key: "total_frames", place: place) }
        var imageShape: PySKLAnnotation.ImageShape?
        if let shapeValue = field("img_shape") { imageShape = try self.imageShape(shapeValue, key: "img_shape", place: place) }
        var originalShape: PySKLAnnotation.ImageShape?
        if let shapeValue = field("original_shape") { originalShape = try self.imageShape(shapeValue, key: "original_shape", place: place) }

        return try PySKLAnnotation(frameDirectory: frameDirectory, label: label, totalFrames: totalFrames,
                                   keypoint: try values(keypoint, key: "keypoint", place: place),
                                   shape: (shape[0], shape[1], shape[2], shape[3]), keypointScore: score,
                                   imageShape: imageShape, originalShape: originalShape)
    }

    /// A non-negative integer (Python int or numpy integer scalar).
    private func integer(_ value: PickleValue, key: String, place: String) throws(SkeletonDataError) -> Int {
        let number: Int64
        do {
            number = try NumpyPickle.integer(value)
        } catch {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: "a non-negative integer", found: error.found)
        }
        guard number >= 0, let exact = Int(exactly: number) else {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: "a non-negative integer", found: "\(number)")
        }
        return exact
    }

    /// A numpy float array of `rank` dimensions.
    private func floatArray(_ value: PickleValue, key: String, place: String, rank: Int, shapeName: String) throws(SkeletonDataError) -> NpyArray {
        let expected = "a float array of shape \(shapeName)"
        let array: NpyArray
        do {
            array = try NumpyPickle.array(value, source: "\(source): \(place).\(key)")
        } catch {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: expected, found: error.found)
        }
        guard [.float16, .float32, .float64].contains(array.dtype) else {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: expected, found: "dtype \(array.dtype.descr)")
        }
        guard array.shape.count == rank else {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: expected, found: "shape \(Self.python(array.shape))")
        }
        return array
    }

    /// The array's values in C order, non-finite ones handled by the policy.
    private mutating func values(_ array: NpyArray, key: String, place: String) throws(SkeletonDataError) -> [Float] {
        guard array.elementCount <= valueBudget else {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)",
                             expected: "arrays stored once (at most 4 decoded values per file byte)",
                             found: "arrays shared between annotations that decode to more")
        }
        valueBudget -= array.elementCount
        var values: [Float]
        do {
            values = try array.floatValues()
        } catch {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: "a readable array", found: "\(error)")
        }
        for i in values.indices where !values[i].isFinite {
            values[i] = Float(try filter.check(Double(values[i]), line: nil, field: "\(place).\(key)[\(Self.index(i, shape: array.shape).map(String.init).joined(separator: ", "))]"))
        }
        return values
    }

    /// `(height, width)` from a tuple or list of two integers.
    private func imageShape(_ value: PickleValue, key: String, place: String) throws(SkeletonDataError) -> PySKLAnnotation.ImageShape {
        let items: [PickleValue]
        switch value {
        case let .tuple(values), let .list(values): items = values
        default:
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: "(height, width)", found: value.kindName)
        }
        guard items.count == 2 else {
            throw .malformed(file: source, line: nil, field: "\(place).\(key)", expected: "(height, width)", found: "\(items.count) items")
        }
        return PySKLAnnotation.ImageShape(height: try integer(items[0], key: "\(key)[0]", place: place),
                                          width: try integer(items[1], key: "\(key)[1]", place: place))
    }

    /// `(3, 4)` — Python's spelling of a shape or index.
    static func python(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    /// The multi-index of C-order flat index `flat`.
    static func index(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
