/// `ValueInfoProto` with a tensor `TypeProto`: a graph input's or output's name, element
/// type and shape, where each dimension is a number or a symbolic name (`"batch"`).
public struct ONNXValueInfo: ProtobufEncodable, Sendable, Equatable {
    /// One dimension of a `TensorShapeProto`.
    public enum Dimension: Sendable, Equatable {
        /// A fixed size (`dim_value`).
        case value(Int)
        /// A symbolic size decided at run time (`dim_param`).
        case parameter(String)
    }

    /// The value's name.
    public var name: String
    /// The element type.
    public var elementType: ONNXDataType
    /// The shape.
    public var shape: [Dimension]

    /// A tensor value `name` of `elementType` and `shape`.
    public init(name: String, elementType: ONNXDataType = .float, shape: [Dimension]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// Field numbers of `ValueInfoProto`, `TypeProto`, `TypeProto.Tensor`,
    /// `TensorShapeProto` and `TensorShapeProto.Dimension`.
    enum Field {
        static let valueInfoName = 1, valueInfoType = 2
        static let typeTensor = 1
        static let tensorElementType = 1, tensorShape = 2
        static let shapeDim = 1
        static let dimValue = 1, dimParam = 2
    }

    public func encode(to writer: inout ProtobufWriter) {
        writer.writeString(field: Field.valueInfoName, name)
        writer.writeMessage(field: Field.valueInfoType, TypeMessage(info: self))
    }

    /// `TypeProto { tensor_type: { elem_type, shape } }`.
    private struct TypeMessage: ProtobufEncodable {
        let info: ONNXValueInfo
        func encode(to writer: inout ProtobufWriter) {
            writer.writeMessage(field: Field.typeTensor, TensorTypeMessage(info: info))
        }
    }

    private struct TensorTypeMessage: ProtobufEncodable {
        let info: ONNXValueInfo
        func encode(to writer: inout ProtobufWriter) {
            writer.writeInt(field: Field.tensorElementType, info.elementType.rawValue)
            writer.writeMessage(field: Field.tensorShape, ShapeMessage(shape: info.shape))
        }
    }

    private struct ShapeMessage: ProtobufEncodable {
        let shape: [Dimension]
        func encode(to writer: inout ProtobufWriter) {
            for dimension in shape { writer.writeMessage(field: Field.shapeDim, DimensionMessage(dimension: dimension)) }
        }
    }

    private struct DimensionMessage: ProtobufEncodable {
        let dimension: Dimension
        func encode(to writer: inout ProtobufWriter) {
            switch dimension {
            case .value(let size): writer.writeInt(field: Field.dimValue, Int64(size))
            case .parameter(let name): writer.writeString(field: Field.dimParam, name)
            }
        }
    }
}
