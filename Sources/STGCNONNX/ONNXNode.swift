/// `NodeProto`: one operator application, from named inputs to named outputs.
public struct ONNXNode: ProtobufEncodable, Sendable, Equatable {
    /// The operator (`Conv`, `MatMul`, …) of the default `ai.onnx` domain.
    public var opType: String
    /// A unique node name (for tools and error messages).
    public var name: String
    /// The names of the input values, in the operator's order.
    public var inputs: [String]
    /// The names of the output values.
    public var outputs: [String]
    /// The node's attributes.
    public var attributes: [ONNXAttribute]

    /// A node of `opType` named `name`.
    public init(_ opType: String, name: String, inputs: [String], outputs: [String], attributes: [ONNXAttribute] = []) {
        self.opType = opType
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// Field numbers of `onnx.NodeProto`.
    enum Field {
        static let input = 1, output = 2, name = 3, opType = 4, attribute = 5
    }

    public func encode(to writer: inout ProtobufWriter) {
        for input in inputs { writer.writeString(field: Field.input, input) }
        for output in outputs { writer.writeString(field: Field.output, output) }
        writer.writeString(field: Field.name, name)
        writer.writeString(field: Field.opType, opType)
        for attribute in attributes { writer.writeMessage(field: Field.attribute, attribute) }
    }
}
