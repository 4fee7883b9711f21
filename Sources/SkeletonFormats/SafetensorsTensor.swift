import Foundation

/// One tensor to write to, or read from, a safetensors file: dtype, shape and raw
/// little-endian C-order bytes.
public struct SafetensorsTensor: Sendable, Equatable {
    /// The element type.
    public var dtype: TensorDType
    /// The dimensions (`[]` for a scalar).
    public var shape: [Int]
    /// The raw little-endian payload, `elementCount * dtype.byteSize` bytes, C order.
    public var bytes: Data

    /// Creates a tensor from raw bytes, checking that the byte count matches `shape` and `dtype`.
    /// - Throws: `SafetensorsError.invalidShape` for a negative or overflowing shape,
    ///   `SafetensorsError.byteCountMismatch` when `bytes.count` is wrong.
    public init(dtype: TensorDType, shape: [Int], bytes: Data) throws(SafetensorsError) {
        let expected: Int
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.byteSize) {
        case let .failure(problem): throw .invalidShape(shape: shape, reason: problem.phrase)
        case let .success(count): expected = count
        }
        guard bytes.count == expected else {
            throw .byteCountMismatch(dtype: dtype, shape: shape, expected: expected, actual: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Creates an F32 tensor. `values.count` must equal the product of `shape` (a programming error otherwise).
    public init(float32 values: [Float], shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.dtype = .float32
        self.shape = shape
        self.bytes = ScalarEncoding.bytes(float32: values)
    }

    /// Creates an I64 tensor. `values.count` must equal the product of `shape` (a programming error otherwise).
    public init(int64 values: [Int64], shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.dtype = .int64
        self.shape = shape
        self.bytes = ScalarEncoding.bytes(int64: values)
    }

    /// The number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements converted to `Float` in C order: F16, BF16 and F64 are converted, integer
    /// and boolean types converted by value.
    /// - Throws: `SafetensorsError.byteCountMismatch` if `bytes` was modified to a wrong size.
    public func floatValues() throws(SafetensorsError) -> [Float] {
        let count = try checkedElementCount()
        return ScalarDecoding.floats(bytes, kind: dtype.scalarKind, count: count)
    }

    /// The elements converted to `Double` in C order: F64 exactly, F32, F16 and BF16 widened,
    /// integer and boolean types converted by value.
    /// - Throws: `SafetensorsError.byteCountMismatch` if `bytes` was modified to a wrong size.
    public func doubleValues() throws(SafetensorsError) -> [Double] {
        let count = try checkedElementCount()
        return ScalarDecoding.doubles(bytes, kind: dtype.scalarKind, count: count)
    }

    /// The elements as `Int64` in C order, for integer and boolean dtypes.
    /// - Throws: `SafetensorsError.notConvertible` for floating-point dtypes.
    public func int64Values() throws(SafetensorsError) -> [Int64] {
        let count = try checkedElementCount()
        guard let values = ScalarDecoding.int64s(bytes, kind: dtype.scalarKind, count: count) else {
            throw .notConvertible(dtype: dtype, target: "Int64", reason: "expected an integer or boolean dtype")
        }
        return values
    }

    private func checkedElementCount() throws(SafetensorsError) -> Int {
        switch ShapeArithmetic.byteCount(shape, elementSize: dtype.byteSize) {
        case let .failure(problem): throw .invalidShape(shape: shape, reason: problem.phrase)
        case let .success(expected):
            guard bytes.count == expected else {
                throw .byteCountMismatch(dtype: dtype, shape: shape, expected: expected, actual: bytes.count)
            }
            return expected / dtype.byteSize
        }
    }
}
