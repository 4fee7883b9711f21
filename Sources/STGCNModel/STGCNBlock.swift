import STGCNTensor

/// What an ST-GCN block adds back to its output.
public enum Residual {
    /// No residual (the first block).
    case none
    /// The input itself (same channels, stride 1).
    case identity
    /// A strided 1×1 convolution followed by batch norm (`residual.0`, `residual.1`).
    case projection(TemporalConvolution, BatchNorm)
}

/// One spatial-temporal block (the official `st_gcn` module):
///
///     y = ReLU( Dropout(BN(Conv_9×1(ReLU(BN(GraphConv(x, A)))))) + residual(x) )
///
/// Shapes: `x` is `(S, C_in, T, V)`, the output `(S, C_out, T', V)` with
/// `T' = ⌊(T − 1) / stride⌋ + 1`.
public final class STGCNBlock: ParameterContainer {
    /// `gcn`: the spatial graph convolution.
    public let graphConvolution: GraphConvolution
    /// `tcn.0`: batch norm before the temporal convolution.
    public let normalizationBefore: BatchNorm
    /// `tcn.2`: the temporal convolution (carries the stride).
    public let temporalConvolution: TemporalConvolution
    /// `tcn.3`: batch norm after the temporal convolution.
    public let normalizationAfter: BatchNorm
    /// `tcn.4`: dropout.
    public let dropout: Dropout
    /// The residual branch.
    public let residual: Residual

    /// Times each layer when set (`stgcn bench --profile`).
    public var profiler: LayerProfiler?

    private var rectifiedMiddle = Tensor(shape: [0])
    private var output = Tensor(shape: [0])

    /// A block mapping `inputChannels` to `outputChannels` over a graph with `subsetCount` subsets.
    public init(inputChannels: Int, outputChannels: Int, subsetCount: Int, temporalKernelSize: Int = 9,
                stride: Int = 1, dropout: Float = 0, hasResidual: Bool = true, dropoutSeed: UInt64 = 0) {
        graphConvolution = GraphConvolution(inputChannels: inputChannels, outputChannels: outputChannels,
                                            subsetCount: subsetCount)
        normalizationBefore = BatchNorm(channelCount: outputChannels)
        temporalConvolution = TemporalConvolution(inputChannels: outputChannels, outputChannels: outputChannels,
                                                  kernelSize: temporalKernelSize, stride: stride)
        normalizationAfter = BatchNorm(channelCount: outputChannels)
        self.dropout = Dropout(probability: dropout, seed: dropoutSeed)
        if !hasResidual {
            residual = .none
        } else if inputChannels == outputChannels && stride == 1 {
            residual = .identity
        } else {
            residual = .projection(
                TemporalConvolution(inputChannels: inputChannels, outputChannels: outputChannels,
                                    kernelSize: 1, stride: stride),
                BatchNorm(channelCount: outputChannels))
        }
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try graphConvolution.visitParameters(prefix: prefix + "gcn.", body)
        try normalizationBefore.visitParameters(prefix: prefix + "tcn.0.", body)
        try temporalConvolution.visitParameters(prefix: prefix + "tcn.2.", body)
        try normalizationAfter.visitParameters(prefix: prefix + "tcn.3.", body)
        if case .projection(let convolution, let norm) = residual {
            try convolution.visitParameters(prefix: prefix + "residual.0.", body)
            try norm.visitParameters(prefix: prefix + "residual.1.", body)
        }
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {
        try normalizationBefore.visitBuffers(prefix: prefix + "tcn.0.", body)
        try normalizationAfter.visitBuffers(prefix: prefix + "tcn.3.", body)
        if case .projection(_, let norm) = residual {
            try norm.visitBuffers(prefix: prefix + "residual.1.", body)
        }
    }

    /// Runs the block on `x` with the effective adjacency `adjacency` (`A ⊙ importance`, `K·V·V`).
    public func forward(_ x: Tensor, adjacency: [Float], training: Bool) -> Tensor {
        var middle = profiled(profiler, .graphConvolution, .forward) {
            graphConvolution.forward(x, adjacency: adjacency, training: training)
        }
        middle = profiled(profiler, .normalization, .forward) { normalizationBefore.forward(middle, training: training) }
        profiled(profiler, .activation, .forward) { rectifyInPlace(&middle.scalars) }
        rectifiedMiddle = middle
        var y = profiled(profiler, .temporalConvolution, .forward) { temporalConvolution.forward(middle, training: training) }
        y = profiled(profiler, .normalization, .forward) { normalizationAfter.forward(y, training: training) }
        y = profiled(profiler, .activation, .forward) { dropout.forward(y, training: training) }
        switch residual {
        case .none:
            break
        case .identity:
            profiled(profiler, .activation, .forward) { addInPlace(&y.scalars, x.scalars) }
        case .projection(let convolution, let norm):
            let shortcut = profiled(profiler, .residual, .forward) {
                norm.forward(convolution.forward(x, training: training), training: training)
            }
            profiled(profiler, .activation, .forward) { addInPlace(&y.scalars, shortcut.scalars) }
        }
        profiled(profiler, .activation, .forward) { rectifyInPlace(&y.scalars) }
        output = y
        return y
    }

    /// Returns `(dL/dx, dL/dA_effective)` and accumulates every parameter gradient of the block.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        var gradient = dy
        profiled(profiler, .activation, .backward) { maskInPlace(&gradient.scalars, by: output.scalars) }
        var middle = profiled(profiler, .activation, .backward) { dropout.backward(gradient) }
        middle = profiled(profiler, .normalization, .backward) { normalizationAfter.backward(middle) }
        middle = profiled(profiler, .temporalConvolution, .backward) { temporalConvolution.backward(middle) }
        profiled(profiler, .activation, .backward) { maskInPlace(&middle.scalars, by: rectifiedMiddle.scalars) }
        middle = profiled(profiler, .normalization, .backward) { normalizationBefore.backward(middle) }
        var (dx, dAdjacency) = profiled(profiler, .graphConvolution, .backward) { graphConvolution.backward(middle) }
        switch residual {
        case .none:
            break
        case .identity:
            profiled(profiler, .activation, .backward) { addInPlace(&dx.scalars, gradient.scalars) }
        case .projection(let convolution, let norm):
            let shortcut = profiled(profiler, .residual, .backward) { convolution.backward(norm.backward(gradient)) }
            profiled(profiler, .activation, .backward) { addInPlace(&dx.scalars, shortcut.scalars) }
        }
        return (dx, dAdjacency)
    }
}

/// `x = max(x, 0)` elementwise.
func rectifyInPlace(_ x: inout [Float]) {
    x.withUnsafeMutableBufferPointer { p in
        for i in 0..<p.count where p[i] < 0 { p[i] = 0 }
    }
}

/// `x += y` elementwise.
func addInPlace(_ x: inout [Float], _ y: [Float]) {
    precondition(x.count == y.count)
    x.withUnsafeMutableBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
            for i in 0..<xp.count { xp[i] += yp[i] }
        }
    }
}

/// `g = g` where `activation > 0`, else 0: the ReLU backward given the ReLU's output.
func maskInPlace(_ g: inout [Float], by activation: [Float]) {
    precondition(g.count == activation.count)
    g.withUnsafeMutableBufferPointer { gp in
        activation.withUnsafeBufferPointer { ap in
            for i in 0..<gp.count where !(ap[i] > 0) { gp[i] = 0 }
        }
    }
}
