import STGCNModel

/// Accumulates nodes and initializers for an `ONNXGraph`, naming each value after the node
/// that produces it and sharing identical int64 shape constants.
struct ONNXGraphBuilder {
    private(set) var nodes: [ONNXNode] = []
    private(set) var initializers: [ONNXTensor] = []
    private var int64Constants: [[Int64]: String] = [:]

    /// Adds a float32 initializer and returns its name.
    @discardableResult
    mutating func constant(_ name: String, _ values: [Float], dims: [Int]) -> String {
        initializers.append(ONNXTensor(name: name, float32: values, dims: dims))
        return name
    }

    /// A 1-D int64 initializer holding `values` (shared between nodes that need the same one).
    mutating func int64Vector(_ values: [Int64]) -> String {
        if let name = int64Constants[values] { return name }
        let name = "const_i64_" + values.map { $0 < 0 ? "m\(-$0)" : "\($0)" }.joined(separator: "_")
        initializers.append(ONNXTensor(name: name, int64: values, dims: [values.count]))
        int64Constants[values] = name
        return name
    }

    /// Adds a node with one output named `name` and returns that name.
    @discardableResult
    mutating func node(_ opType: String, _ name: String, inputs: [String], attributes: [ONNXAttribute] = []) -> String {
        nodes.append(ONNXNode(opType, name: name, inputs: inputs, outputs: [name], attributes: attributes))
        return name
    }

    /// `Reshape(input, shape)`; 0 copies the input's dimension, −1 is inferred.
    mutating func reshape(_ input: String, _ shape: [Int64], name: String) -> String {
        node("Reshape", name, inputs: [input, int64Vector(shape)])
    }

    /// `Transpose(input, perm)`.
    mutating func transpose(_ input: String, _ permutation: [Int64], name: String) -> String {
        node("Transpose", name, inputs: [input], attributes: [ONNXAttribute("perm", .ints(permutation))])
    }

    /// `ReduceMean` over `axes`, with the axes as an attribute before opset 18 and as an input from 18 on.
    mutating func reduceMean(_ input: String, axes: [Int64], keepDimensions: Bool, opset: Int64, name: String) -> String {
        let keep = ONNXAttribute("keepdims", .int(keepDimensions ? 1 : 0))
        if opset >= 18 {
            return node("ReduceMean", name, inputs: [input, int64Vector(axes)], attributes: [keep])
        }
        return node("ReduceMean", name, inputs: [input], attributes: [ONNXAttribute("axes", .ints(axes)), keep])
    }

    /// `Slice(input, starts, ends, axes)` (ends may be `Int64.max` for "to the end", negative from the end).
    mutating func slice(_ input: String, axis: Int64, start: Int64, end: Int64, name: String) -> String {
        node("Slice", name, inputs: [input, int64Vector([start]), int64Vector([end]), int64Vector([axis])])
    }

    /// The finished model: input `input` `(batch, C, T, V, M)`, output `logits` `(batch, classes)`.
    func model(name: String, configuration: ModelConfiguration, options: ONNXExportOptions,
               description: String) throws(ONNXExportError) -> ONNXModel {
        let framesDimension: ONNXValueInfo.Dimension = options.frames.map { .value($0) } ?? .parameter("frames")
        let graph = ONNXGraph(
            name: name, nodes: nodes, initializers: initializers,
            inputs: [ONNXValueInfo(name: "input", shape: [.parameter("batch"), .value(configuration.inputChannels), framesDimension,
                                                           .value(configuration.layout.jointCount), .value(options.persons)])],
            outputs: [ONNXValueInfo(name: "logits", shape: [.parameter("batch"), .value(configuration.classCount)])])
        if let problem = graph.firstDanglingReference() { throw .malformedGraph(problem) }
        return ONNXModel(graph: graph, opsetVersion: Int64(options.opset), docString: description)
    }
}
