import STGCNTensor
import SkeletonGraph

/// The ST-GCN network (the official `net.st_gcn.Model`), with a forward pass in training or
/// evaluation mode and a backward pass for every parameter.
///
///     input (N, C, T, V, M)
///       → data BN over the C·V channels of each person
///       → 10 ST-GCN blocks on (N·M, C, T, V), each with A ⊙ edge importance
///       → average over (T, V), mean over the M persons
///       → 1×1 convolution to `classCount` logits (N, classCount)
///
/// Parameter and buffer keys are PyTorch's (`st_gcn_networks.4.tcn.2.weight`), so
/// checkpoints map one to one.
///
/// `configuration.variant` selects the ablation models of the paper's Table 1 (see
/// `ModelVariant`): the spatial part of every block is then a `TiedDistanceGraphConvolution`,
/// a `LocalGraphConvolution` or, for the baseline TCN, a 1×1 convolution over each frame's
/// `C·V` features (the data BN output `(N·M, V·C, T)` is used as `(N·M, V·C, T, 1)`: one
/// "joint" holding the whole skeleton, channel `v·C + c`). Everything else — data BN, widths,
/// strides, residuals, dropout, pooling, classifier — is the same in every variant.
public final class STGCNNetwork: ActionRecognitionModel {
    /// The hyper-parameters the network was built with.
    public let configuration: ModelConfiguration
    /// The skeleton graph and its normalized adjacency `A` (K, V, V).
    public let graph: Graph
    /// `data_bn`: batch norm over V·C channels.
    public let dataNormalization: BatchNorm
    /// `st_gcn_networks`: the ten blocks.
    public let blocks: [STGCNBlock]
    /// `edge_importance`: one `(K, V, V)` mask per block, or empty when disabled.
    public let edgeImportance: [Parameter]
    /// `fcn`: the classifier, a 1×1 convolution from 256 channels.
    public let classifier: TemporalConvolution

    /// The number of classes.
    public var classCount: Int { configuration.classCount }

    /// `data_bn` and every block's batch norms.
    public var batchNormalizations: [BatchNorm] { [dataNormalization] + blocks.flatMap(\.batchNormalizations) }

    /// Times each layer kind when set; shared with the blocks.
    public var profiler: LayerProfiler? {
        didSet { for block in blocks { block.profiler = profiler } }
    }

    /// How the blocks' 9×1 temporal convolutions are computed (default `.winograd`).
    public var temporalConvolutionAlgorithm: TemporalConvolutionAlgorithm {
        get { blocks.first?.temporalConvolution.algorithm ?? .winograd }
        set { for block in blocks { block.temporalConvolution.algorithm = newValue } }
    }

    /// Which entries of `A` are structurally non-zero (edge-importance gradients live there).
    let support: [Bool]
    private var inputShape: [Int] = []
    private var pooledShape: (samples: Int, channels: Int, frames: Int, joints: Int) = (0, 0, 0, 0)

    /// Builds the network with PyTorch's default values (convolutions zero, BN γ = 1, importance 1).
    /// Call `initializeWeights(seed:)` or load a checkpoint before use.
    public init(configuration: ModelConfiguration) throws(ModelConfigurationError) {
        try configuration.validate()
        do {
            graph = try Graph(layout: configuration.layout, strategy: configuration.strategy,
                              maxHop: configuration.maxHop, dilation: configuration.dilation)
        } catch {
            throw .graph("\(error)")
        }
        self.configuration = configuration
        let subsets = graph.subsetCount, joints = graph.jointCount
        dataNormalization = BatchNorm(channelCount: configuration.inputChannels * joints)
        let support = graph.adjacency.map { $0 != 0 }
        if configuration.variant == .distanceTied && subsets != 2 {
            throw .invalid("distance_tied needs a graph with two subsets (hop 0 and hop 1), got \(subsets)")
        }
        blocks = configuration.blockSchedule.enumerated().map { index, spec in
            let spatial: SpatialConvolution
            switch configuration.variant {
            case .stgcn:
                spatial = .shared(GraphConvolution(inputChannels: spec.inputChannels, outputChannels: spec.outputChannels,
                                                   subsetCount: subsets))
            case .distanceTied:
                spatial = .tiedDistance(TiedDistanceGraphConvolution(inputChannels: spec.inputChannels,
                                                                     outputChannels: spec.outputChannels))
            case .localConvolution:
                spatial = .local(LocalGraphConvolution(inputChannels: spec.inputChannels, outputChannels: spec.outputChannels,
                                                       support: support, subsetCount: subsets, jointCount: joints))
            case .baselineTCN:
                spatial = .pointwise(TemporalConvolution(inputChannels: spec.inputChannels,
                                                         outputChannels: spec.outputChannels))
            }
            return STGCNBlock(inputChannels: spec.inputChannels, outputChannels: spec.outputChannels,
                              spatial: spatial, temporalKernelSize: configuration.temporalKernelSize,
                              stride: spec.stride, dropout: index == 0 ? 0 : configuration.dropout,
                              hasResidual: index != 0, dropoutSeed: UInt64(index))
        }
        edgeImportance = configuration.edgeImportanceWeighting
            ? blocks.map { _ in Parameter(shape: [subsets, joints, joints], initialValue: 1) }
            : []
        classifier = TemporalConvolution(inputChannels: 256, outputChannels: configuration.classCount)
        self.support = support
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try dataNormalization.visitParameters(prefix: prefix + "data_bn.", body)
        for (index, block) in blocks.enumerated() {
            try block.visitParameters(prefix: prefix + "st_gcn_networks.\(index).", body)
        }
        for (index, mask) in edgeImportance.enumerated() {
            try body(prefix + "edge_importance.\(index)", mask)
        }
        try classifier.visitParameters(prefix: prefix + "fcn.", body)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {
        try dataNormalization.visitBuffers(prefix: prefix + "data_bn.", body)
        for (index, block) in blocks.enumerated() {
            try block.visitBuffers(prefix: prefix + "st_gcn_networks.\(index).", body)
        }
    }

    /// Reseeds every dropout layer, so that training masks are reproducible.
    public func reseedDropout(_ seed: UInt64) {
        for (index, block) in blocks.enumerated() {
            block.dropout.generator = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        }
    }

    /// The official trainer's initialization: convolution weights ~ N(0, 0.02²), biases 0,
    /// batch-norm γ ~ N(1, 0.02²), β 0; edge importance stays 1.
    public func initializeWeights(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        visitParameters(prefix: "") { name, parameter in
            let isNorm = name.hasPrefix("data_bn.") || name.contains(".tcn.0.") || name.contains(".tcn.3.")
                || name.contains(".residual.1.")
            if name.hasPrefix("edge_importance.") { return }
            if name.hasSuffix(".bias") {
                parameter.value = [Float](repeating: 0, count: parameter.count)
            } else {
                let mean: Float = isNorm ? 1 : 0
                parameter.value = (0..<parameter.count).map { _ in
                    generator.nextNormal(mean: mean, standardDeviation: 0.02)
                }
            }
        }
    }

    /// The effective adjacency of block `index`: `A ⊙ edge_importance[index]`.
    public func effectiveAdjacency(block index: Int) -> [Float] {
        guard !edgeImportance.isEmpty else { return graph.adjacency }
        return zip(graph.adjacency, edgeImportance[index].value).map { $0 * $1 }
    }

    /// The logits `(N, classCount)` for a batch `(N, C, T, V, M)`.
    ///
    /// `training` selects batch statistics (and updates the running ones) and active dropout;
    /// either way the activations are kept for `backward`.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, mode: ForwardMode(training: training))
    }

    /// Evaluation-mode logits `(N, classCount)` without keeping anything for `backward`:
    /// the fastest, lowest-memory way to predict.
    ///
    /// Clips are independent in evaluation mode, so a batch runs clip by clip, one clip per
    /// worker thread, each through the whole network while its activations are still in cache.
    public func infer(_ input: Tensor) -> Tensor {
        precondition(input.shape.count == 5, "ST-GCN input must be (N, C, T, V, M), got \(input.shape)")
        releaseActivations()
        let clips = input.shape[0], classes = configuration.classCount
        guard clips > 1, Parallel.workerCount > 1, profiler == nil else { return forward(input, mode: .inference) }
        let perClip = input.count / clips
        var logits = Tensor(shape: [clips, classes])
        logits.scalars.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(clips) { clip, _ in
                var shape = input.shape
                shape[0] = 1
                let one = Tensor(shape: shape, scalars: Array(input.scalars[(clip * perClip)..<((clip + 1) * perClip)]))
                let result = forward(one, mode: .inference)
                for j in 0..<classes { out[clip * classes + j] = result.scalars[j] }
            }
        }
        return logits
    }

    /// Drops every activation kept for `backward` (e.g. after training, before serving).
    public func releaseActivations() {
        dataNormalization.releaseActivations()
        classifier.releaseActivations()
        for block in blocks { block.releaseActivations() }
    }

    /// The logits `(N, classCount)` for a batch `(N, C, T, V, M)` in `mode`.
    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let shape = input.shape
        precondition(shape.count == 5, "ST-GCN input must be (N, C, T, V, M), got \(shape)")
        precondition(shape[1] == configuration.inputChannels && shape[3] == graph.jointCount,
                     "input \(shape) does not match C = \(configuration.inputChannels), V = \(graph.jointCount)")
        if mode.retainsActivations { inputShape = shape }
        var x = profiled(profiler, .dataNormalization, .forward) { normalizeInput(input, mode: mode) }
        for (index, block) in blocks.enumerated() {
            x = block.forward(x, adjacency: effectiveAdjacency(block: index), support: support, mode: mode)
        }
        return profiled(profiler, .head, .forward) { classify(x, persons: shape[4], mode: mode) }
    }

    /// Back-propagates `dL/dlogits` `(N, classCount)` through the last `forward`, accumulating
    /// every parameter's gradient; returns `dL/dinput` `(N, C, T, V, M)`.
    @discardableResult
    public func backward(_ logitsGradient: Tensor) -> Tensor {
        precondition(logitsGradient.shape == [inputShape[0], configuration.classCount],
                     "logits gradient must be \([inputShape[0], configuration.classCount]), got \(logitsGradient.shape)")
        var dx = profiled(profiler, .head, .backward) { classifyBackward(logitsGradient) }
        for index in blocks.indices.reversed() {
            let (blockInput, dAdjacency) = blocks[index].backward(dx)
            dx = blockInput
            if !edgeImportance.isEmpty {
                let mask = edgeImportance[index]
                for i in 0..<mask.count { mask.gradient[i] += dAdjacency[i] * graph.adjacency[i] }
            }
        }
        return profiled(profiler, .dataNormalization, .backward) { normalizeInputBackward(dx) }
    }

    /// `(N, C, T, V, M)` → `(N·M, V·C, T)` → data BN → `(N·M, C, T, V)`.
    func normalizeInput(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let (n, c, t, v, m) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3], input.shape[4])
        var perPerson = Tensor(shape: [n * m, v * c, t])
        input.scalars.withUnsafeBufferPointer { xp in
            perPerson.scalars.withUnsafeMutableBufferPointer { pp in
                for ni in 0..<n { for ci in 0..<c { for ti in 0..<t { for vi in 0..<v { for mi in 0..<m {
                    pp[(((ni * m + mi) * v + vi) * c + ci) * t + ti] = xp[(((ni * c + ci) * t + ti) * v + vi) * m + mi]
                } } } } }
            }
        }
        let normalized = dataNormalization.forward(perPerson, mode: mode)
        if configuration.variant == .baselineTCN { return normalized.reshaped([n * m, v * c, t, 1]) }
        var x = Tensor(shape: [n * m, c, t, v])
        normalized.scalars.withUnsafeBufferPointer { np in
            x.scalars.withUnsafeMutableBufferPointer { xp in
                for s in 0..<(n * m) { for vi in 0..<v { for ci in 0..<c { for ti in 0..<t {
                    xp[((s * c + ci) * t + ti) * v + vi] = np[((s * v + vi) * c + ci) * t + ti]
                } } } }
            }
        }
        return x
    }

    /// The adjoint of `normalizeInput`.
    private func normalizeInputBackward(_ dx: Tensor) -> Tensor {
        let (n, c, t, v, m) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3], inputShape[4])
        var normalizedGradient: Tensor
        if configuration.variant == .baselineTCN {
            normalizedGradient = dx.reshaped([n * m, v * c, t])
        } else {
            normalizedGradient = Tensor(shape: [n * m, v * c, t])
            dx.scalars.withUnsafeBufferPointer { xp in
                normalizedGradient.scalars.withUnsafeMutableBufferPointer { np in
                    for s in 0..<(n * m) { for vi in 0..<v { for ci in 0..<c { for ti in 0..<t {
                        np[((s * v + vi) * c + ci) * t + ti] = xp[((s * c + ci) * t + ti) * v + vi]
                    } } } }
                }
            }
        }
        let perPerson = dataNormalization.backward(normalizedGradient)
        var inputGradient = Tensor(shape: inputShape)
        perPerson.scalars.withUnsafeBufferPointer { pp in
            inputGradient.scalars.withUnsafeMutableBufferPointer { xp in
                for ni in 0..<n { for ci in 0..<c { for ti in 0..<t { for vi in 0..<v { for mi in 0..<m {
                    xp[(((ni * c + ci) * t + ti) * v + vi) * m + mi] = pp[(((ni * m + mi) * v + vi) * c + ci) * t + ti]
                } } } } }
            }
        }
        return inputGradient
    }

    /// Average over (T, V), then over the persons of each clip, then the 1×1 classifier.
    func classify(_ x: Tensor, persons m: Int, mode: ForwardMode) -> Tensor {
        let (samples, channels, frames, joints) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let n = samples / m
        if mode.retainsActivations { pooledShape = (samples, channels, frames, joints) }
        var features = Tensor(shape: [n, channels, 1, 1])
        let plane = frames * joints
        let scale = 1 / Float(plane * m)
        x.scalars.withUnsafeBufferPointer { xp in
            features.scalars.withUnsafeMutableBufferPointer { fp in
                for s in 0..<samples {
                    for ch in 0..<channels {
                        let row = xp.baseAddress! + (s * channels + ch) * plane
                        fp[(s / m) * channels + ch] += VectorReduction.sum(row, count: plane) * scale
                    }
                }
            }
        }
        return classifier.forward(features, mode: mode).reshaped([n, configuration.classCount])
    }

    /// The adjoint of `classify`: dL/d(last block output).
    private func classifyBackward(_ logitsGradient: Tensor) -> Tensor {
        let m = inputShape[4], n = inputShape[0]
        let featureGradient = classifier.backward(logitsGradient.reshaped([n, configuration.classCount, 1, 1]))
        let (samples, channels, frames, joints) = pooledShape
        let plane = frames * joints
        let scale = 1 / Float(plane * m)
        var dx = Tensor(shape: [samples, channels, frames, joints])
        featureGradient.scalars.withUnsafeBufferPointer { fp in
            dx.scalars.withUnsafeMutableBufferPointer { dp in
                for s in 0..<samples {
                    for ch in 0..<channels {
                        (dp.baseAddress! + (s * channels + ch) * plane)
                            .update(repeating: fp[(s / m) * channels + ch] * scale, count: plane)
                    }
                }
            }
        }
        return dx
    }
}
