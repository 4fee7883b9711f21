import Foundation

/// numpy arrays and scalars inside restricted pickles (MMAction2/PySKL annotation files,
/// anything written with `pickle.dump` of numpy data), decoded without executing anything.
///
/// Read the pickle with `PickleReader.read(_:source:options:)` and `NumpyPickle.readerOptions`
/// (which allow exactly `allowedGlobals`), then decode the recorded calls with `array(_:)`.
/// numpy pickles an array in one of three ways, all handled:
/// - protocols 2–4 (and non-contiguous arrays in 5): `_reconstruct(numpy.ndarray, (0,), b'b')`
///   and `BUILD` with the state `(1, shape, dtype, is_fortran, raw bytes)`; under protocol 2
///   the bytes are `_codecs.encode(latin-1 text, 'latin1')` (or `bytes()` when empty);
/// - protocol 5: `_frombuffer(buffer, dtype, shape, order)` with the buffer in-band (numpy ≥ 2.3
///   writes arrays contiguous in a permuted axis order as `_frombuffer(buffer, dtype, shape, 'K',
///   axis_order)`: they are transposed into C order here);
/// - numpy scalars (`np.int64(3)`): `scalar(dtype, bytes)`, decoded as a 0-dimensional array.
/// numpy 1.x names the modules `numpy.core.*`, numpy 2.x `numpy._core.*`: both are accepted.
///
/// Supported dtypes: float16/32/64, int8/16/32/64, uint8/16/32/64, bool, little- or big-endian
/// (big-endian data is byte-swapped); C or Fortran order (`NpyArray.isFortranOrder`,
/// `NpyArray.floatValues()` returns C order). Every size is checked against the bytes present
/// before anything is copied.
public enum NumpyPickle {
    static let ndarray = PickleGlobal("numpy", "ndarray")
    static let reconstruct: Set<PickleGlobal> = [
        PickleGlobal("numpy.core.multiarray", "_reconstruct"), PickleGlobal("numpy._core.multiarray", "_reconstruct"),
    ]
    static let fromBuffer: Set<PickleGlobal> = [
        PickleGlobal("numpy.core.numeric", "_frombuffer"), PickleGlobal("numpy._core.numeric", "_frombuffer"),
    ]
    static let scalar: Set<PickleGlobal> = [
        PickleGlobal("numpy.core.multiarray", "scalar"), PickleGlobal("numpy._core.multiarray", "scalar"),
    ]
    /// `_codecs.encode(text, 'latin1')`: how protocol 2 spells Python 3 `bytes`.
    static let codecsEncode = PickleGlobal("_codecs", "encode")
    /// `bytes()` under protocol 2 (an empty `bytes`).
    static let emptyBytes: Set<PickleGlobal> = [PickleGlobal("__builtin__", "bytes"), PickleGlobal("builtins", "bytes")]

    /// The globals a pickle of numpy arrays may name. None is ever imported or called; they
    /// are only recognised as data constructors (no `numpy.load`, no object arrays).
    public static let allowedGlobals: Set<PickleGlobal> =
        reconstruct.union(fromBuffer).union(scalar).union(emptyBytes)
            .union([ndarray, NumpyPickledDType.dtypeGlobal, codecsEncode])

    /// Pickle options for plain data plus numpy arrays.
    public static let readerOptions = PickleReader.Options(allowedGlobals: allowedGlobals)

    /// The most dimensions an array may have (numpy's own limit).
    public static let maximumDimensions = 64

    /// Whether `value` is a recorded numpy array or scalar reconstruction (by its global only;
    /// `array(_:)` checks the rest).
    public static func isArray(_ value: PickleValue) -> Bool {
        guard case let .call(global, _, _) = value else { return false }
        return reconstruct.contains(global) || fromBuffer.contains(global) || scalar.contains(global)
    }

    /// Decodes a pickled numpy array or scalar (a 0-dimensional array) into an `NpyArray`
    /// holding little-endian bytes in the array's memory order.
    /// - Parameter source: stored in the array's `source` (for later errors).
    /// - Throws: `NumpyPickleError` saying what part does not match what numpy writes.
    public static func array(_ value: PickleValue, source: String = "<pickle>") throws(NumpyPickleError) -> NpyArray {
        guard case let .call(global, arguments, state) = value else { throw .notAnArray(found: value.kindName) }
        let dtype: NumpyPickledDType, shape: [Int], isFortran: Bool, raw: Data
        var axes: [Int]?
        if reconstruct.contains(global) {
            guard arguments.count == 3, arguments[0] == .global(ndarray) else {
                throw .malformed(part: "\(global) arguments", expected: "(numpy.ndarray, (0,), b'b') (subclasses such as masked arrays are not supported)",
                                 found: NumpyPickledDType.describe(.tuple(arguments)))
            }
            guard let state, case let .tuple(items) = state, items.count == 5 || items.count == 4 else {
                throw .malformed(part: "the ndarray state", expected: "(1, shape, dtype, is_fortran, data)",
                                 found: state.map(NumpyPickledDType.describe) ?? "no state")
            }
            let fields = items.count == 5 ? Array(items.dropFirst()) : items
            if items.count == 5, items[0] != .int(1) {
                throw .malformed(part: "the ndarray state version", expected: "1", found: NumpyPickledDType.describe(items[0]))
            }
            dtype = try NumpyPickledDType(fields[1])
            shape = try self.shape(fields[0])
            switch fields[2] {
            case let .bool(flag): isFortran = flag
            case let .int(flag) where flag == 0 || flag == 1: isFortran = flag == 1
            default: throw .malformed(part: "the ndarray is_fortran flag", expected: "True or False", found: NumpyPickledDType.describe(fields[2]))
            }
            raw = try bytes(fields[3], part: "the ndarray data")
        } else if fromBuffer.contains(global) {
            guard arguments.count == 4 || arguments.count == 5 else {
                throw .malformed(part: "\(global) arguments", expected: "(buffer, dtype, shape, order[, axis_order])", found: "\(arguments.count) arguments")
            }
            dtype = try NumpyPickledDType(arguments[1])
            shape = try self.shape(arguments[2])
            let axisOrder = arguments.count == 5 && arguments[4] != .none ? arguments[4] : nil
            switch (arguments[3], axisOrder) {
            case (.string("C"), nil): isFortran = false
            case (.string("F"), nil): isFortran = true
            case let (.string("K"), axisOrder?):
                // numpy ≥ 2.3: the buffer is C-order data of `shape`, to be transposed by `axis_order`.
                axes = try self.axes(axisOrder, rank: shape.count)
                isFortran = false
            default:
                throw .malformed(part: "the array order", expected: "'C' or 'F', or 'K' with an axis order",
                                 found: NumpyPickledDType.describe(.tuple(Array(arguments[3...]))))
            }
            raw = try bytes(arguments[0], part: "the array buffer")
        } else if scalar.contains(global) {
            guard arguments.count == 2 else {
                throw .malformed(part: "\(global) arguments", expected: "(dtype, data) (object scalars are not supported)", found: "\(arguments.count) arguments")
            }
            dtype = try NumpyPickledDType(arguments[0])
            shape = []
            isFortran = false
            raw = try bytes(arguments[1], part: "the scalar data")
        } else {
            throw .notAnArray(found: value.kindName)
        }

        let expected: Int
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.type.itemSize) {
        case let .failure(problem): throw .invalidShape(shape, reason: problem.phrase)
        case let .success(count): expected = count
        }
        guard raw.count == expected else {
            throw .payloadSizeMismatch(shape: shape, dtype: dtype.descr, expected: expected, actual: raw.count)
        }
        var littleEndian = dtype.isBigEndian ? byteSwapped(raw, itemSize: dtype.type.itemSize) : raw
        var logicalShape = shape
        if let axes {
            littleEndian = transposed(littleEndian, shape: shape, axes: axes, itemSize: dtype.type.itemSize)
            logicalShape = axes.map { shape[$0] }
        }
        do {
            return try NpyArray(dtype: dtype.type, shape: logicalShape, isFortranOrder: isFortran && shape.count > 1, data: littleEndian, source: source)
        } catch {
            // Unreachable: the shape and size were checked above.
            throw .invalidShape(shape, reason: "\(error)")
        }
    }

    /// The value of a Python `int` or `bool`, or of a numpy integer or boolean scalar (or
    /// one-element array), as numpy-written labels are.
    /// - Throws: `NumpyPickleError.notAnInteger` for anything else (floats included).
    public static func integer(_ value: PickleValue) throws(NumpyPickleError) -> Int64 {
        switch value {
        case let .int(number): return number
        case let .bool(flag): return flag ? 1 : 0
        case .call where isArray(value):
            let decoded = try array(value)
            guard decoded.elementCount == 1, let number = try? decoded.int64Values().first else {
                throw .notAnInteger(found: "a numpy array of dtype \(decoded.dtype.descr) and shape \(ShapeArithmetic.describe(decoded.shape))")
            }
            return number
        default:
            throw .notAnInteger(found: value.kindName)
        }
    }

    // MARK: - Parts

    /// A shape tuple of non-negative integers, at most `maximumDimensions` of them.
    static func shape(_ value: PickleValue) throws(NumpyPickleError) -> [Int] {
        let items: [PickleValue]
        switch value {
        case let .tuple(values), let .list(values): items = values
        case let .int(single): items = [.int(single)]
        default: throw .malformed(part: "the array shape", expected: "a tuple of integers", found: value.kindName)
        }
        guard items.count <= maximumDimensions else {
            throw .invalidShape([], reason: "\(items.count) dimensions, expected at most \(maximumDimensions)")
        }
        var shape: [Int] = []
        for item in items {
            guard case let .int(dimension) = item, let exact = Int(exactly: dimension) else {
                throw .malformed(part: "the array shape", expected: "a tuple of integers", found: NumpyPickledDType.describe(value))
            }
            shape.append(exact)
        }
        if case let .failure(problem) = ShapeArithmetic.elementCount(shape) {
            throw .invalidShape(shape, reason: problem.phrase)
        }
        return shape
    }

    /// An axis order: a permutation of `0..<rank`.
    static func axes(_ value: PickleValue, rank: Int) throws(NumpyPickleError) -> [Int] {
        var axes: [Int] = []
        if case let .tuple(items) = value {
            for item in items {
                guard case let .int(axis) = item, let exact = Int(exactly: axis) else { break }
                axes.append(exact)
            }
        }
        guard axes.count == rank, axes.sorted() == Array(0..<rank) else {
            throw .malformed(part: "the array axis order", expected: "a permutation of 0..<\(rank)", found: NumpyPickledDType.describe(value))
        }
        return axes
    }

    /// C-order `data` of `shape` transposed by `axes` (result axis i is source axis
    /// `axes[i]`), in C order of the result.
    static func transposed(_ data: Data, shape: [Int], axes: [Int], itemSize: Int) -> Data {
        let count = data.count / max(itemSize, 1)
        guard count > 0, axes != Array(0..<shape.count) else { return data }
        var sourceStrides = [Int](repeating: itemSize, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1]
        }
        let resultShape = axes.map { shape[$0] }
        let strides = axes.map { sourceStrides[$0] }
        var result = Data(count: data.count)
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            result.withUnsafeMutableBytes { (output: UnsafeMutableRawBufferPointer) in
                var index = [Int](repeating: 0, count: resultShape.count)
                var offset = 0
                for element in 0..<count {
                    for byte in 0..<itemSize { output[element * itemSize + byte] = input[offset + byte] }
                    // Advance the result's C-order index (last axis fastest), tracking the source offset.
                    var axis = resultShape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < resultShape[axis] { break }
                        offset -= strides[axis] * resultShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return result
    }

    /// The raw bytes of an array or scalar: `bytes`/`bytearray`, protocol 2's
    /// `_codecs.encode(text, 'latin1')` or `bytes()`, or a Python 2 `str`.
    static func bytes(_ value: PickleValue, part: String) throws(NumpyPickleError) -> Data {
        switch value {
        case let .bytes(data):
            return data
        case let .string(text):
            // A Python 2 `str` the reader kept as text because it is valid UTF-8: its bytes.
            return Data(text.utf8)
        case let .call(global, arguments, _) where global == codecsEncode:
            guard arguments.count == 2, case let .string(text) = arguments[0],
                  case let .string(encoding) = arguments[1], ["latin1", "latin-1", "iso-8859-1"].contains(encoding.lowercased()) else {
                throw .malformed(part: part, expected: "_codecs.encode(text, 'latin1')", found: NumpyPickledDType.describe(.tuple(arguments)))
            }
            var data = Data()
            data.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value <= 0xFF else {
                    throw .malformed(part: part, expected: "latin-1 text (code points below 256)", found: "U+\(String(scalar.value, radix: 16, uppercase: true))")
                }
                data.append(UInt8(scalar.value))
            }
            return data
        case let .call(global, arguments, _) where emptyBytes.contains(global):
            guard arguments.isEmpty else {
                throw .malformed(part: part, expected: "bytes() with no arguments", found: "\(arguments.count) arguments")
            }
            return Data()
        case .list:
            throw .unsupportedDType("O", reason: "object arrays (pickled as lists) are not supported, expected a numeric array")
        default:
            throw .malformed(part: part, expected: "bytes", found: value.kindName)
        }
    }

    /// `data` with every `itemSize`-byte element reversed (big-endian → little-endian).
    static func byteSwapped(_ data: Data, itemSize: Int) -> Data {
        var swapped = Data(data)
        swapped.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            var start = 0
            while start + itemSize <= buffer.count {
                var low = start, high = start + itemSize - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += itemSize
            }
        }
        return swapped
    }
}
