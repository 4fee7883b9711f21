/// `TensorProto`: a named constant (an initializer), stored little-endian in `raw_data`.
public struct ONNXTensor: ProtobufEncodable, Sendable, Equatable {
    /// The initializer's name, referenced by node inputs.
    public var name: String
    /// The element type.
    public var dataType: ONNXDataType
    /// The dimensions (`[]` for a scalar).
    public var dims: [Int]
    /// The values, little-endian, C order (`raw_data`).
    public var rawData: [UInt8]

    /// A float32 tensor. `values.count` must equal the product of `dims`.
    public init(name: String, float32 values: [Float], dims: [Int]) {
        precondition(values.count == dims.reduce(1, *), "\(name): \(values.count) values do not fill \(dims)")
        self.name = name
        self.dataType = .float
        self.dims = dims
        var raw: [UInt8] = []
        raw.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            raw.append(UInt8(truncatingIfNeeded: bits))
            raw.append(UInt8(truncatingIfNeeded: bits >> 8))
            raw.append(UInt8(truncatingIfNeeded: bits >> 16))
            raw.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        self.rawData = raw
    }

    /// An int64 tensor. `values.count` must equal the product of `dims`.
    public init(name: String, int64 values: [Int64], dims: [Int]) {
        precondition(values.count == dims.reduce(1, *), "\(name): \(values.count) values do not fill \(dims)")
        self.name = name
        self.dataType = .int64
        self.dims = dims
        var raw: [UInt8] = []
        raw.reserveCapacity(values.count * 8)
        for value in values {
            let bits = UInt64(bitPattern: value)
            for shift in stride(from: 0, to: 64, by: 8) { raw.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        self.rawData = raw
    }

    /// Field numbers of `onnx.TensorProto`.
    enum Field {
        static let dims = 1, dataType = 2, name = 8, rawData = 9
    }

    public func encode(to writer: inout ProtobufWriter) {
        for dim in dims { writer.writeInt(field: Field.dims, Int64(dim)) }
        writer.writeInt(field: Field.dataType, dataType.rawValue)
        writer.writeString(field: Field.name, name)
        writer.writeBytes(field: Field.rawData, rawData)
    }
}
