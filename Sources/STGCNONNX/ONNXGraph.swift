/// `GraphProto`: nodes in topological order, their constant initializers, and the graph's
/// inputs and outputs.
public struct ONNXGraph: ProtobufEncodable, Sendable, Equatable {
    /// The graph's name.
    public var name: String
    /// The nodes; each node's inputs are graph inputs, initializers or earlier nodes' outputs.
    public var nodes: [ONNXNode]
    /// The constants (weights, shapes).
    public var initializers: [ONNXTensor]
    /// The run-time inputs.
    public var inputs: [ONNXValueInfo]
    /// The outputs.
    public var outputs: [ONNXValueInfo]

    /// A graph from its parts.
    public init(name: String, nodes: [ONNXNode] = [], initializers: [ONNXTensor] = [],
                inputs: [ONNXValueInfo] = [], outputs: [ONNXValueInfo] = []) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Field numbers of `onnx.GraphProto`.
    enum Field {
        static let node = 1, name = 2, initializer = 5, input = 11, output = 12
    }

    public func encode(to writer: inout ProtobufWriter) {
        for node in nodes { writer.writeMessage(field: Field.node, node) }
        writer.writeString(field: Field.name, name)
        for tensor in initializers { writer.writeMessage(field: Field.initializer, tensor) }
        for input in inputs { writer.writeMessage(field: Field.input, input) }
        for output in outputs { writer.writeMessage(field: Field.output, output) }
    }

    /// The first node input that is neither a graph input, an initializer nor the output of
    /// an earlier node, or a graph output nobody produces; nil when the graph is well formed.
    public func firstDanglingReference() -> String? {
        var known = Set(inputs.map(\.name)).union(initializers.map(\.name))
        for node in nodes {
            for input in node.inputs where !input.isEmpty && !known.contains(input) {
                return "node \(node.name) (\(node.opType)) reads \(input), which nothing before it defines"
            }
            known.formUnion(node.outputs)
        }
        for output in outputs where !known.contains(output.name) {
            return "graph output \(output.name) is not produced by any node"
        }
        return nil
    }
}
