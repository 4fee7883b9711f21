/// `AttributeProto`: a named, typed constant argument of a node (`perm`, `strides`, `epsilon`).
public struct ONNXAttribute: ProtobufEncodable, Sendable, Equatable {
    /// The attribute's value; the case selects `AttributeProto.type`.
    public enum Value: Sendable, Equatable {
        /// `FLOAT` (type 1), field `f`.
        case float(Float)
        /// `INT` (type 2), field `i`.
        case int(Int64)
        /// `INTS` (type 7), field `ints`.
        case ints([Int64])
        /// `STRING` (type 3), field `s`.
        case string(String)
    }

    /// The attribute name the operator defines.
    public var name: String
    /// The value.
    public var value: Value

    /// An attribute `name = value`.
    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// Field numbers of `onnx.AttributeProto` and its `AttributeType` codes.
    enum Field {
        static let name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20
        static let typeFloat: Int64 = 1, typeInt: Int64 = 2, typeString: Int64 = 3, typeInts: Int64 = 7
    }

    public func encode(to writer: inout ProtobufWriter) {
        writer.writeString(field: Field.name, name)
        switch value {
        case .float(let f):
            writer.writeFloat(field: Field.f, f)
            writer.writeInt(field: Field.type, Field.typeFloat)
        case .int(let i):
            writer.writeInt(field: Field.i, i)
            writer.writeInt(field: Field.type, Field.typeInt)
        case .ints(let values):
            for v in values { writer.writeInt(field: Field.ints, v) }
            writer.writeInt(field: Field.type, Field.typeInts)
        case .string(let s):
            writer.writeString(field: Field.s, s)
            writer.writeInt(field: Field.type, Field.typeString)
        }
    }
}
