import STGCNModel

/// How to export a model (`STGCNNetwork`, `TwoStreamNetwork`) to ONNX.
public struct ONNXExportOptions: Sendable, Equatable {
    /// The operator-set versions the exporter writes.
    public static let supportedOpsets: ClosedRange<Int> = 13...21

    /// Frames T of the declared input shape, or nil for a symbolic `frames` dimension (the graph
    /// itself works for any T ≥ 1 either way).
    public var frames: Int?
    /// Persons M per clip: fixed, because the head averages over them.
    public var persons: Int
    /// The `ai.onnx` operator-set version.
    public var opset: Int

    /// Options with the official input size (T = 300, M = 2) and opset 17 by default.
    public init(frames: Int? = 300, persons: Int = 2, opset: Int = 17) {
        self.frames = frames
        self.persons = persons
        self.opset = opset
    }

    /// Checks the opset range and that T and M are positive.
    public func validate() throws(ONNXExportError) {
        guard Self.supportedOpsets.contains(opset) else {
            throw .unsupportedOpset(requested: opset, supported: Self.supportedOpsets)
        }
        if let frames, frames < 1 { throw .invalidDimension(name: "T (frames)", value: frames) }
        if persons < 1 { throw .invalidDimension(name: "M (persons)", value: persons) }
    }
}

extension STGCNNetwork {
    /// The evaluation-mode network as an ONNX model with input `input` `(batch, C, T, V, M)`
    /// (the batch dimension symbolic) and output `logits` `(batch, classCount)`.
    ///
    /// The graph follows the official module order: `data_bn` as a `BatchNormalization` over
    /// the V·C channels of `(N·M, V·C, T)`; per block a 1×1 `Conv` to K·C_out channels, the
    /// aggregation over joints as one `MatMul` with `A ⊙ edge_importance` reshaped to
    /// `(K·V, V)`, then `BatchNormalization`, `Relu`, the 9×1 `Conv` (stride, padding 4),
    /// `BatchNormalization`, the residual (`Add` of the input, or of a strided 1×1 `Conv` and
    /// `BatchNormalization`) and `Relu`; `ReduceMean` over (T, V) and over the persons; the
    /// 1×1 `fcn` `Conv`; `Flatten`. Dropout is the identity in evaluation mode and is omitted.
    /// Initializers keep the official key names (`st_gcn_networks.4.tcn.2.weight`).
    public func onnxModel(options: ONNXExportOptions = ONNXExportOptions()) throws(ONNXExportError) -> ONNXModel {
        try options.validate()
        guard configuration.variant == .stgcn else { throw .unsupportedVariant(configuration.variant.rawValue) }
        let opset = Int64(options.opset)
        var b = ONNXGraphBuilder()
        exportLogits(input: "input", output: "logits", prefix: "", persons: Int64(options.persons), opset: opset, builder: &b)
        let description = "ST-GCN (yysijie/st-gcn net.st_gcn.Model), layout \(configuration.layout.name), "
            + "strategy \(configuration.strategy.rawValue), \(configuration.classCount) classes; "
            + "input (N, C, T, V, M), output logits (N, num_class); evaluation mode"
        return try b.model(name: "st_gcn", configuration: configuration, options: options, description: description)
    }

    /// Appends this network's evaluation-mode graph from `input` `(N, C, T, V, M)` to `output`
    /// `(N, classCount)`, every initializer and node name prefixed with `prefix` (the official
    /// key names of a stream inside a larger model, such as `origin_stream.`).
    func exportLogits(input: String, output: String, prefix: String, persons: Int64, opset: Int64,
                      builder b: inout ONNXGraphBuilder) {
        let channels = Int64(configuration.inputChannels), joints = Int64(graph.jointCount)
        let subsets = Int64(graph.subsetCount)
        // data_bn: (N, C, T, V, M) → (N, M, V, C, T) → (N·M, V·C, T).
        var x = b.transpose(input, [0, 4, 3, 1, 2], name: prefix + "data_bn.permute")
        x = b.node("Flatten", prefix + "data_bn.flatten", inputs: [x], attributes: [ONNXAttribute("axis", .int(2))])
        x = b.reshape(x, [0, joints * channels, -1], name: prefix + "data_bn.reshape")
        x = batchNormalization(dataNormalization, x, key: prefix + "data_bn", builder: &b)
        // (N·M, V·C, T) → (N·M, V, C, T) → (N·M, C, T, V).
        x = b.reshape(x, [0, joints, channels, -1], name: prefix + "data_bn.unflatten")
        x = b.transpose(x, [0, 2, 3, 1], name: prefix + "data_bn.to_blocks")

        for (index, block) in blocks.enumerated() {
            x = exportBlock(block, index: index, key: prefix + "st_gcn_networks.\(index)", input: x, subsets: subsets,
                            joints: joints, builder: &b)
        }

        // Head: mean over (T, V), mean over the persons, fcn, flatten.
        let width = Int64(classifier.inputChannels)
        x = b.reduceMean(x, axes: [2, 3], keepDimensions: true, opset: opset, name: prefix + "pool.frames_joints")
        x = b.reshape(x, [-1, persons, width, 1, 1], name: prefix + "pool.split_persons")
        x = b.reduceMean(x, axes: [1], keepDimensions: false, opset: opset, name: prefix + "pool.persons")
        x = convolution(classifier, x, key: prefix + "fcn", builder: &b)
        b.node("Flatten", output, inputs: [x], attributes: [ONNXAttribute("axis", .int(1))])
    }

    private func exportBlock(_ block: STGCNBlock, index: Int, key: String, input: String, subsets: Int64, joints: Int64,
                             builder b: inout ONNXGraphBuilder) -> String {
        guard let gcn = block.graphConvolution else { preconditionFailure("only the stgcn variant is exported") }
        let outChannels = Int64(gcn.outputChannels)
        // gcn.conv: (S, C_in, T, V) → (S, K·C_out, T, V).
        let weight = b.constant("\(key).gcn.conv.weight", gcn.weight.value, dims: gcn.weight.shape)
        let bias = b.constant("\(key).gcn.conv.bias", gcn.bias.value, dims: gcn.bias.shape)
        var x = b.node("Conv", "\(key).gcn.conv", inputs: [input, weight, bias],
                       attributes: [ONNXAttribute("kernel_shape", .ints([1, 1]))])
        // y[s,c,t,w] = Σ_k Σ_v z[s,k,c,t,v] · (A ⊙ M)[k,v,w] as (S, C, T, K·V) · (K·V, V).
        x = b.reshape(x, [0, subsets, outChannels, -1, joints], name: "\(key).gcn.split_subsets")
        x = b.transpose(x, [0, 2, 3, 1, 4], name: "\(key).gcn.subsets_last")
        x = b.reshape(x, [0, outChannels, -1, subsets * joints], name: "\(key).gcn.stack_subsets")
        let adjacency = b.constant("\(key).gcn.adjacency", effectiveAdjacency(block: index),
                                   dims: [Int(subsets * joints), Int(joints)])
        x = b.node("MatMul", "\(key).gcn.aggregate", inputs: [x, adjacency])
        // tcn: BN → ReLU → Conv (k×1, stride) → BN (→ Dropout: identity in evaluation mode).
        x = batchNormalization(block.normalizationBefore, x, key: "\(key).tcn.0", builder: &b)
        x = b.node("Relu", "\(key).tcn.1", inputs: [x])
        x = convolution(block.temporalConvolution, x, key: "\(key).tcn.2", builder: &b)
        x = batchNormalization(block.normalizationAfter, x, key: "\(key).tcn.3", builder: &b)
        switch block.residual {
        case .none:
            break
        case .identity:
            x = b.node("Add", "\(key).residual_add", inputs: [x, input])
        case .projection(let projection, let norm):
            var shortcut = convolution(projection, input, key: "\(key).residual.0", builder: &b)
            shortcut = batchNormalization(norm, shortcut, key: "\(key).residual.1", builder: &b)
            x = b.node("Add", "\(key).residual_add", inputs: [x, shortcut])
        }
        return b.node("Relu", "\(key).relu", inputs: [x])
    }

    /// A `Conv` with the layer's `(C_out, C_in, k, 1)` kernel, stride `(s, 1)`, padding `((k−1)/2, 0)`.
    private func convolution(_ layer: TemporalConvolution, _ input: String, key: String,
                             builder b: inout ONNXGraphBuilder) -> String {
        let weight = b.constant("\(key).weight", layer.weight.value, dims: layer.weight.shape)
        let bias = b.constant("\(key).bias", layer.bias.value, dims: layer.bias.shape)
        let pad = Int64(layer.padding)
        return b.node("Conv", key, inputs: [input, weight, bias], attributes: [
            ONNXAttribute("kernel_shape", .ints([Int64(layer.kernelSize), 1])),
            ONNXAttribute("strides", .ints([Int64(layer.stride), 1])),
            ONNXAttribute("pads", .ints([pad, 0, pad, 0])),
        ])
    }

    /// An evaluation-mode `BatchNormalization` with the layer's γ, β and running statistics.
    private func batchNormalization(_ layer: BatchNorm, _ input: String, key: String,
                                    builder b: inout ONNXGraphBuilder) -> String {
        let dims = [layer.channelCount]
        let inputs = [
            input,
            b.constant("\(key).weight", layer.weight.value, dims: dims),
            b.constant("\(key).bias", layer.bias.value, dims: dims),
            b.constant("\(key).running_mean", layer.runningMean.value, dims: dims),
            b.constant("\(key).running_var", layer.runningVariance.value, dims: dims),
        ]
        return b.node("BatchNormalization", key, inputs: inputs,
                      attributes: [ONNXAttribute("epsilon", .float(layer.epsilon))])
    }
}
