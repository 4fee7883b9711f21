import Foundation

/// An n-dimensional array read from (or to be written to) a `.npy` file.
public struct NpyArray: Sendable, Equatable {
    /// The element type.
    public var dtype: NpyDType
    /// The dimensions (`[]` for a scalar).
    public var shape: [Int]
    /// True when `data` is stored in Fortran (column-major) order.
    public var isFortranOrder: Bool
    /// The raw little-endian payload bytes, `product(shape) * dtype.itemSize` of them.
    ///
    /// Arrays read by `Npy.read(contentsOf:)` are memory-mapped and `data` is a slice of the
    /// mapping: its `startIndex` need not be 0 (use `withUnsafeBytes` or offsets from `startIndex`).
    public var data: Data
    /// Where the array came from (a file path or a `source` string); used in errors.
    public var source: String

    /// Creates an array, checking that `data` holds exactly `product(shape) * dtype.itemSize` bytes.
    /// - Throws: `NpyError.invalidShape` or `NpyError.payloadSizeMismatch`.
    public init(dtype: NpyDType, shape: [Int], isFortranOrder: Bool = false, data: Data, source: String = "<memory>") throws(NpyError) {
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.itemSize) {
        case let .failure(problem): throw .invalidShape(file: source, shape: shape, reason: problem.phrase)
        case let .success(expected):
            guard data.count == expected else { throw .payloadSizeMismatch(file: source, offset: 0, expected: expected, actual: data.count) }
        }
        self.dtype = dtype
        self.shape = shape
        self.isFortranOrder = isFortranOrder
        self.data = data
        self.source = source
    }

    /// Creates a C-order float32 array. `values.count` must equal the product of `shape` (a programming error otherwise).
    public init(float32 values: [Float], shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.dtype = .float32
        self.shape = shape
        self.isFortranOrder = false
        self.data = ScalarEncoding.bytes(float32: values)
        self.source = "<memory>"
    }

    /// The number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// All elements converted to `Float`, in C (row-major) order even when the file is Fortran-ordered.
    /// Floating-point types are converted (float64 rounded), integers and booleans by value.
    /// - Throws: `NpyError.payloadSizeMismatch` if `data` was modified to a wrong size.
    public func floatValues() throws(NpyError) -> [Float] {
        let count = try checkedElementCount()
        let stored = ScalarDecoding.floats(data, kind: dtype.scalarKind, count: count)
        return isFortranOrder ? Self.fortranToC(stored, shape: shape) : stored
    }

    /// The elements with C-order flat indices in `range`, converted to `Float` — e.g. one sample
    /// `i` of an `(N, C, T, V, M)` array is `i*C*T*V*M ..< (i+1)*C*T*V*M`. Only the bytes of that
    /// range are touched, so a memory-mapped multi-gigabyte file is not read in full.
    /// - Throws: `NpyError.invalidElementRange` when the range is out of bounds or the array is Fortran-ordered.
    public func floatValues(elements range: Range<Int>) throws(NpyError) -> [Float] {
        let count = try checkedElementCount()
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .invalidElementRange(file: source, range: range, count: count, reason: "expected a range within 0..<\(count)")
        }
        guard !isFortranOrder || shape.count <= 1 else {
            throw .invalidElementRange(file: source, range: range, count: count, reason: "array is Fortran-ordered, expected C order (use floatValues())")
        }
        let size = dtype.itemSize
        let slice = data[(data.startIndex + range.lowerBound * size)..<(data.startIndex + range.upperBound * size)]
        return ScalarDecoding.floats(slice, kind: dtype.scalarKind, count: range.count)
    }

    /// All elements as `Int64` in C order, for integer and boolean dtypes (e.g. label arrays).
    /// - Throws: `NpyError.notConvertible` for floating-point dtypes or uint64 values above `Int64.max`.
    public func int64Values() throws(NpyError) -> [Int64] {
        let count = try checkedElementCount()
        guard let stored = ScalarDecoding.int64s(data, kind: dtype.scalarKind, count: count) else {
            throw .notConvertible(file: source, dtype: dtype, target: "Int64",
                                  reason: dtype.scalarKind.isIntegral ? "a value exceeds Int64.max" : "expected an integer or boolean dtype")
        }
        return isFortranOrder ? Self.fortranToC(stored, shape: shape) : stored
    }

    private func checkedElementCount() throws(NpyError) -> Int {
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.itemSize) {
        case let .failure(problem): throw .invalidShape(file: source, shape: shape, reason: problem.phrase)
        case let .success(expected):
            guard data.count == expected else { throw .payloadSizeMismatch(file: source, offset: 0, expected: expected, actual: data.count) }
            return expected / dtype.itemSize
        }
    }

    /// Reorders column-major `values` into row-major order.
    static func fortranToC<T>(_ values: [T], shape: [Int]) -> [T] {
        guard shape.count > 1, !values.isEmpty else { return values }
        // Fortran strides: the first axis varies fastest.
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var result: [T] = []
        result.reserveCapacity(values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<values.count {
            var source = 0
            for axis in 0..<shape.count { source += index[axis] * fortranStrides[axis] }
            result.append(values[source])
            // Advance the C-order multi-index (last axis fastest).
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
