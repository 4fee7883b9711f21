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
/// `T' = ⌊(T − 1) / stride⌋ + 1`. The batch norms, ReLUs, dropout and residual add run as two
/// fused passes: `ReLU(BN(·))` after the graph convolution, and
/// `ReLU(BN(·)·mask + residual)` after the temporal convolution.
public final class STGCNBlock: ParameterContainer {
    /// `gcn`: the spatial part (a graph convolution, or another `ModelVariant`'s layer).
    public let spatial: SpatialConvolution
    /// `gcn` when it is the official shared-weight graph convolution, else nil.
    public var graphConvolution: GraphConvolution? {
        if case .shared(let layer) = spatial { return layer }
        return nil
    }
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

    /// The graph convolution's output (also what `normalizationBefore` keeps): with
    /// `middleAffine` it rebuilds the temporal convolution's input in `backward`, so that
    /// input (one activation per block) is never stored.
    private var graphOutput = Tensor(shape: [0])
    private var middleAffine: (scale: [Float], shift: [Float]) = ([], [])
    private var output = Tensor(shape: [0])
    private var dropoutMask: [UInt8]?

    /// A block mapping `inputChannels` to `outputChannels` over a graph with `subsetCount` subsets.
    public convenience init(inputChannels: Int, outputChannels: Int, subsetCount: Int, temporalKernelSize: Int = 9,
                            stride: Int = 1, dropout: Float = 0, hasResidual: Bool = true, dropoutSeed: UInt64 = 0) {
        self.init(inputChannels: inputChannels, outputChannels: outputChannels,
                  spatial: .shared(GraphConvolution(inputChannels: inputChannels, outputChannels: outputChannels,
                                                    subsetCount: subsetCount)),
                  temporalKernelSize: temporalKernelSize, stride: stride, dropout: dropout,
                  hasResidual: hasResidual, dropoutSeed: dropoutSeed)
    }

    /// A block whose spatial part is `spatial` (which must map `inputChannels` to `outputChannels`).
    public init(inputChannels: Int, outputChannels: Int, spatial: SpatialConvolution, temporalKernelSize: Int = 9,
                stride: Int = 1, dropout: Float = 0, hasResidual: Bool = true, dropoutSeed: UInt64 = 0) {
        self.spatial = spatial
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
        try spatial.visitParameters(prefix: prefix + "gcn.", body)
        try normalizationBefore.visitParameters(prefix: prefix + "tcn.0.", body)
        try temporalConvolution.visitParameters(prefix: prefix + "tcn.2.", body)
        try normalizationAfter.visitParameters(prefix: prefix + "tcn.3.", body)
        if case .projection(let convolution, let norm) = residual {
            try convolution.visitParameters(prefix: prefix + "residual.0.", body)
            try norm.visitParameters(prefix: prefix + "residual.1.", body)
        }
    }

    /// The block's batch norms: `tcn.0`, `tcn.3` and the residual's, if any.
    public var batchNormalizations: [BatchNorm] {
        if case .projection(_, let norm) = residual { return [normalizationBefore, normalizationAfter, norm] }
        return [normalizationBefore, normalizationAfter]
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {
        try normalizationBefore.visitBuffers(prefix: prefix + "tcn.0.", body)
        try normalizationAfter.visitBuffers(prefix: prefix + "tcn.3.", body)
        if case .projection(_, let norm) = residual {
            try norm.visitBuffers(prefix: prefix + "residual.1.", body)
        }
    }

    /// Runs the block on `x` with the effective adjacency `adjacency` (`A ⊙ importance`, `K·V·V`);
    /// `support` marks the entries of the graph's `A` that are structurally non-zero.
    public func forward(_ x: Tensor, adjacency: [Float], support: [Bool]? = nil, mode: ForwardMode) -> Tensor {
        let graphOutput = profiled(profiler, .graphConvolution, .forward) {
            spatial.forward(x, adjacency: adjacency, support: support, mode: mode)
        }
        let affine = profiled(profiler, .normalization, .forward) { normalizationBefore.affine(for: graphOutput, mode: mode) }
        let middle = profiled(profiler, .normalization, .forward) {
            Self.rectifiedMiddle(graphOutput, affine: affine)
        }
        let convolved = profiled(profiler, .temporalConvolution, .forward) {
            temporalConvolution.forward(middle, mode: mode, retainingInput: false)
        }
        let (shortcut, residualAffine) = shortcut(of: x, mode: mode, outputs: nil)
        let mask = dropout.makeKeepMask(count: convolved.count, mode: mode)
        let y = profiled(profiler, .normalization, .forward) { () -> Tensor in
            let (scale, shift) = normalizationAfter.affine(for: convolved, mode: mode)
            return Self.normalizeAndRectify(convolved, scale: scale, shift: shift, mask: mask,
                                            maskScale: 1 / (1 - dropout.probability),
                                            residual: shortcut, residualAffine: residualAffine)
        }
        if mode.retainsActivations {
            self.graphOutput = graphOutput
            middleAffine = affine
            output = y
            dropoutMask = mask
        }
        return y
    }

    /// The evaluation-mode output positions `outputs` of `forward(x, adjacency:, support:,
    /// mode: .inference)` only, `(S, C_out, outputs.count, V)`: `finish` on `middle`.
    func forward(_ x: Tensor, adjacency: [Float], support: [Bool]?, outputs: Range<Int>) -> Tensor {
        finish(middle: middle(x, adjacency: adjacency, support: support), input: x, outputs: outputs)
    }

    /// The spatial half of an evaluation-mode `forward`: `ReLU(BN(GraphConv(x, A)))`, the temporal
    /// convolution's input `(S, C_out, T, V)`. Each frame's values depend on that frame of `x`
    /// only, which is what lets the sliding-window evaluator reuse them across windows.
    func middle(_ x: Tensor, adjacency: [Float], support: [Bool]?) -> Tensor {
        let graphOutput = spatial.forward(x, adjacency: adjacency, support: support, mode: .inference)
        return Self.rectifiedMiddle(graphOutput, affine: normalizationBefore.affine(for: graphOutput, mode: .inference))
    }

    /// The temporal half of an evaluation-mode `forward`, output positions `outputs` only:
    /// `ReLU(BN(Conv_9×1(middle)) + residual(x))` as `(S, C_out, outputs.count, V)`, where `middle`
    /// (from `middle(_:adjacency:support:)`) and the block input `x` hold the same frames. `x` is
    /// not read when the block has no residual (`readsInputInFinish`). The sliding-window
    /// evaluator computes a window's edges this way: of a slice of input around an edge, only
    /// the edge's positions are exact.
    func finish(middle: Tensor, input x: Tensor, outputs: Range<Int>) -> Tensor {
        let convolved = temporalConvolution.forward(middle, outputs: outputs)
        let (shortcut, residualAffine) = shortcut(of: x, mode: .inference, outputs: outputs)
        let (scale, shift) = normalizationAfter.affine(for: convolved, mode: .inference)
        return Self.normalizeAndRectify(convolved, scale: scale, shift: shift, mask: nil, maskScale: 1,
                                        residual: shortcut, residualAffine: residualAffine)
    }

    /// The residual branch on the block input `x`: what the output pass adds (and the affine of
    /// the projection's batch norm), at every output position or only at `outputs` (evaluation).
    private func shortcut(of x: Tensor, mode: ForwardMode, outputs: Range<Int>?)
        -> (ResidualInput, (scale: [Float], shift: [Float])?) {
        switch residual {
        case .none:
            return (.none, nil)
        case .identity:
            return (.tensor(outputs.map { Self.frames($0, of: x) } ?? x), nil)
        case .projection(let convolution, let norm):
            let projected = profiled(profiler, .residual, .forward) {
                outputs.map { convolution.forward(x, outputs: $0) } ?? convolution.forward(x, mode: mode)
            }
            return (.tensor(projected), profiled(profiler, .residual, .forward) { norm.affine(for: projected, mode: mode) })
        }
    }

    /// Whether `finish` reads the block input (for the residual).
    var readsInputInFinish: Bool {
        if case .none = residual { return false }
        return true
    }

    /// Frames `range` of `x` `(S, C, T, V)`: `(S, C, range.count, V)`.
    static func frames(_ range: Range<Int>, of x: Tensor) -> Tensor {
        let (samples, channels, frames, joints) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        if range == 0..<frames { return x }
        let count = range.count * joints
        return x.scalars.withUnsafeBufferPointer { source in
            Tensor(shape: [samples, channels, range.count, joints]) { out in
                guard let source = source.baseAddress else { return }
                for row in 0..<(samples * channels) {
                    (out + row * count).update(from: source + (row * frames + range.lowerBound) * joints, count: count)
                }
            }
        }
    }

    /// Drops everything kept for `backward` by the last retaining forward.
    public func releaseActivations() {
        graphOutput = Tensor(shape: [0])
        middleAffine = ([], [])
        output = Tensor(shape: [0])
        dropoutMask = nil
        spatial.releaseActivations()
        normalizationBefore.releaseActivations()
        temporalConvolution.releaseActivations()
        normalizationAfter.releaseActivations()
        if case .projection(let convolution, let norm) = residual {
            convolution.releaseActivations()
            norm.releaseActivations()
        }
    }

    /// Returns `(dL/dx, dL/dA_effective)` (dL/dA empty for the baseline TCN) and accumulates every parameter gradient of the block.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        precondition(dy.shape == output.shape, "STGCNBlock.backward: gradient \(dy.shape) ≠ output \(output.shape)")
        let (gradient, dropped) = profiled(profiler, .activation, .backward) {
            Self.outputBackward(dy, output: output, dropoutMask: dropoutMask, keepScale: 1 / (1 - dropout.probability))
        }
        var middle = profiled(profiler, .normalization, .backward) { normalizationAfter.backward(dropped) }
        let rectified = profiled(profiler, .normalization, .backward) { Self.rectifiedMiddle(graphOutput, affine: middleAffine) }
        middle = profiled(profiler, .temporalConvolution, .backward) {
            temporalConvolution.backward(middle, input: rectified, inputIsRectified: true)
        }
        middle = profiled(profiler, .normalization, .backward) { normalizationBefore.backward(middle) }
        var (dx, dAdjacency) = profiled(profiler, .graphConvolution, .backward) { spatial.backward(middle) }
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

    /// The backward of the fused output pass, in one pass over `dy`: `gradient = dy` where
    /// `output > 0`, else 0 (what the residual branch receives) and, with dropout,
    /// `dropped = gradient · keepScale` where the mask kept the entry, else 0 (what the second
    /// batch norm receives). Without dropout both are the same tensor.
    static func outputBackward(_ dy: Tensor, output: Tensor, dropoutMask: [UInt8]?, keepScale: Float)
        -> (gradient: Tensor, dropped: Tensor) {
        precondition(dy.count == output.count && (dropoutMask?.count ?? dy.count) == dy.count)
        let shape = dy.shape, count = dy.count
        guard let dropoutMask else {
            let gradient = withReadPointers(dy.scalars, output.scalars) { dy, output in
                Tensor(shape: shape) { gradient in
                    Parallel.forEachRange(count, minimumChunk: 65_536) { range, _ in
                        let start = range.lowerBound
                        VectorArithmetic.selectWherePositive(dy + start, mask: output + start, into: gradient + start,
                                                             count: range.count)
                    }
                }
            }
            return (gradient, gradient)
        }
        var dropped = Tensor(uninitializedShape: shape)
        let gradient = withReadPointers(dy.scalars, output.scalars, dropoutMask) { dy, output, keep in
            Tensor(shape: shape) { gradient in
                dropped.scalars.withUnsafeMutableBufferPointer { dropped in
                    Parallel.forEachRange(count, minimumChunk: 65_536) { range, _ in
                        let start = range.lowerBound
                        VectorArithmetic.selectWherePositive(dy + start, mask: output + start, into: gradient + start,
                                                             count: range.count)
                        VectorArithmetic.scaleWhereKept(gradient + start, keep: keep + start, scale: keepScale,
                                                        into: dropped.baseAddress! + start, count: range.count)
                    }
                }
            }
        }
        return (gradient, dropped)
    }

    /// `ReLU(x·scale[c] + shift[c])`: the temporal convolution's input, computed the same way in
    /// `forward` and when `backward` rebuilds it, so both are bit-identical.
    static func rectifiedMiddle(_ graphOutput: Tensor, affine: (scale: [Float], shift: [Float])) -> Tensor {
        normalizeAndRectify(graphOutput, scale: affine.scale, shift: affine.shift, mask: nil, maskScale: 1,
                            residual: .none, residualAffine: nil)
    }

    /// The residual operand of the fused output pass.
    enum ResidualInput {
        case none
        case tensor(Tensor)
    }

    /// One pass over `(S, C, L)`: `ReLU((x·scale[c] + shift[c])·mask + residual)` (the mask holds
    /// 1 for kept entries, which are multiplied by `maskScale`), where the residual
    /// is itself normalized by `residualAffine` when given.
    static func normalizeAndRectify(_ x: Tensor, scale: [Float], shift: [Float], mask: [UInt8]?, maskScale: Float,
                                    residual: ResidualInput, residualAffine: (scale: [Float], shift: [Float])?) -> Tensor {
        let shape = x.shape, channels = x.shape[1], rows = x.shape[0] * channels, inner = x.count / max(rows, 1)
        let residualTensor: Tensor?
        if case .tensor(let r) = residual {
            precondition(r.shape == x.shape, "residual \(r.shape) does not match \(x.shape)")
            residualTensor = r
        } else {
            residualTensor = nil
        }
        let hasMask = mask != nil, hasResidual = residualTensor != nil
        return withReadPointers(x.scalars, mask ?? [], residualTensor?.scalars ?? []) { x, keep, residual in
            Tensor(shape: shape) { y in
                Parallel.forEachRange(rows, minimumChunk: 8) { range, _ in
                    for row in range {
                        let c = row % channels, a = scale[c], b = shift[c]
                        let offset = row * inner
                        let from = x + offset, to = y + offset
                        // One branch-free loop per case, so each vectorizes.
                        switch (hasMask, hasResidual, residualAffine) {
                        case (false, false, _):
                            for i in 0..<inner { let v = from[i] * a + b; to[i] = v > 0 ? v : 0 }
                        case (false, true, nil):
                            let r = residual + offset
                            for i in 0..<inner { let v = from[i] * a + b + r[i]; to[i] = v > 0 ? v : 0 }
                        case (false, true, let affine?):
                            let r = residual + offset
                            let ra = affine.scale[c], rb = affine.shift[c] + b
                            for i in 0..<inner { let v = from[i] * a + r[i] * ra + rb; to[i] = v > 0 ? v : 0 }
                        case (true, _, _):
                            VectorArithmetic.dropoutAffineRectify(
                                from, keep: keep + offset, scale: a, shift: b, keepScale: maskScale,
                                residual: hasResidual ? residual + offset : nil,
                                residualScale: residualAffine?.scale[c] ?? 1,
                                residualShift: residualAffine?.shift[c] ?? 0, into: to, count: inner)
                        }
                    }
                }
            }
        }
    }
}

/// `x += y` elementwise.
func addInPlace(_ x: inout [Float], _ y: [Float]) {
    precondition(x.count == y.count)
    x.withUnsafeMutableBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
            Parallel.forEachRange(xp.count, minimumChunk: 65_536) { range, _ in
                VectorArithmetic.add(yp.baseAddress! + range.lowerBound, into: xp.baseAddress! + range.lowerBound,
                                     count: range.count)
            }
        }
    }
}

