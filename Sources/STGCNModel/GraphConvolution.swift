import STGCNTensor

/// The spatial graph convolution of an ST-GCN block (the official `ConvTemporalGraphical`
/// with a 1-frame kernel):
///
///     z[k·C_out + o, t, v] = Σ_i W[k·C_out + o, i] · x[i, t, v] + b[k·C_out + o]
///     y[o, t, w]           = Σ_k Σ_v z[k·C_out + o, t, v] · A[k, v, w]
///
/// Both maps are linear, so they commute: this layer aggregates first (`x·A_k` on C_in
/// channels, over the non-zero entries of A only) and then runs a single GEMM with K·C_in
/// inputs. The bias then contributes `Σ_k b[k·C_out + o] · Σ_v A[k, v, w]`. Results equal the
/// official order up to float rounding, with fewer FLOPs and no K·C_out-channel intermediate.
public final class GraphConvolution: ParameterContainer {
    /// Input channels `C_in`.
    public let inputChannels: Int
    /// Output channels `C_out`.
    public let outputChannels: Int
    /// The number of adjacency subsets `K`.
    public let subsetCount: Int
    /// `(K·C_out, C_in, 1, 1)`, PyTorch's layout (`gcn.conv.weight`).
    public let weight: Parameter
    /// `(K·C_out)` (`gcn.conv.bias`).
    public let bias: Parameter

    private var input = Tensor(shape: [0])
    private var sparse: SparseAdjacency?

    /// A graph convolution with zero weights; load or initialize them before use.
    public init(inputChannels: Int, outputChannels: Int, subsetCount: Int) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.subsetCount = subsetCount
        weight = Parameter(shape: [subsetCount * outputChannels, inputChannels, 1, 1])
        bias = Parameter(shape: [subsetCount * outputChannels])
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try body(prefix + "conv.weight", weight)
        try body(prefix + "conv.bias", bias)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {}

    /// Applies the layer to `x` of shape `(S, C_in, T, V)` with the effective adjacency
    /// `adjacency` (`K·V·V`, `[k][v][w]`), giving `(S, C_out, T, V)`.
    ///
    /// - Parameter support: which entries of `adjacency` can be non-zero (the graph's own `A ≠ 0`);
    ///   `backward` computes dL/dA on these entries only. Without it, the non-zero entries of
    ///   `adjacency` are used.
    public func forward(_ x: Tensor, adjacency: [Float], support: [Bool]? = nil, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                     "GraphConvolution(\(inputChannels)→\(outputChannels)) got shape \(x.shape)")
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        precondition(adjacency.count == subsetCount * joints * joints, "adjacency does not match V = \(joints)")
        let graph = SparseAdjacency(adjacency: adjacency, support: support, subsetCount: subsetCount, jointCount: joints)
        let plane = frames * joints
        let (cin, cout, subsets) = (inputChannels, outputChannels, subsetCount)
        let inSize = cin * plane, stackedSize = subsets * inSize, outSize = cout * plane
        let stacked = subsets * cin
        let plan = WorkPlan(samples: samples, splittingUpTo: .max)
        let y = withReadPointers(x.scalars, packedWeight(), effectiveBias(graph)) { x, weight, effectiveBias in
            Tensor(shape: [samples, cout, frames, joints]) { y in
                /// Rows `rows` (of C_in·T) of sample `s`'s aggregation `B_s = [x_s·A_1; …; x_s·A_K]` into `b`.
                func aggregate(_ s: Int, rows: Range<Int>, into b: UnsafeMutablePointer<Float>) {
                    graph.aggregate(x + s * inSize, rows: rows, planeStride: inSize, into: b)
                }
                /// Columns `columns` (of T·V) of `y_s = bias' + W'·B_s`.
                func multiply(_ s: Int, columns: Range<Int>, from b: UnsafePointer<Float>) {
                    let ys = y + s * outSize
                    for o in 0..<cout {
                        Self.fillPeriodically(ys + o * plane + columns.lowerBound, count: columns.count,
                                              period: effectiveBias + o * joints, length: joints,
                                              phase: columns.lowerBound % joints)
                    }
                    BLAS.gemm(m: cout, n: columns.count, k: stacked, a: weight, lda: stacked,
                              b: b + columns.lowerBound, ldb: plane, beta: 1,
                              c: ys + columns.lowerBound, ldc: plane)
                }
                if plan.splitsSamples {
                    // The pieces of a sample share its aggregation: row pieces fill it, then column pieces use it.
                    plan.forEach(passes: 2, bufferPerSample: stackedSize) { pass, item, b in
                        if pass == 0 {
                            aggregate(item.sample, rows: item.share(of: cin * frames), into: b)
                        } else {
                            multiply(item.sample, columns: item.share(of: plane), from: b)
                        }
                    }
                } else {
                    // Each worker keeps one aggregation buffer; backward recomputes the aggregation.
                    plan.forEach(scratchPerWorker: stackedSize) { item, b in
                        aggregate(item.sample, rows: 0..<(cin * frames), into: b)
                        multiply(item.sample, columns: 0..<plane, from: b)
                    }
                }
            }
        }
        if mode.retainsActivations {
            input = x
            sparse = graph
        }
        return y
    }

    /// Drops what the last retaining forward kept for `backward`.
    public func releaseActivations() {
        input = Tensor(shape: [0])
        sparse = nil
    }

    /// `p[i] = period[(phase + i) % length]` for `i` in `0..<count`: one period written element by
    /// element, then doubled with block copies.
    static func fillPeriodically(_ p: UnsafeMutablePointer<Float>, count: Int, period: UnsafePointer<Float>,
                                 length: Int, phase: Int) {
        var w = phase
        for i in 0..<min(count, length) {
            p[i] = period[w]
            w = w + 1 == length ? 0 : w + 1
        }
        var filled = min(count, length)
        while filled < count {
            let chunk = min(filled, count - filled)
            (p + filled).update(from: p, count: chunk)
            filled += chunk
        }
    }

    /// Returns `(dL/dx, dL/dA)` for the last retaining `forward` and accumulates the weight and
    /// bias gradients. dL/dA is computed on the support entries and is zero elsewhere.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        guard let graph = sparse else { preconditionFailure("GraphConvolution.backward without a retaining forward") }
        let (samples, frames, joints) = (input.shape[0], input.shape[2], input.shape[3])
        precondition(dy.shape == [samples, outputChannels, frames, joints],
                     "GraphConvolution.backward: unexpected gradient shape \(dy.shape)")
        let plane = frames * joints
        let (cin, cout, subsets) = (inputChannels, outputChannels, subsetCount)
        let inSize = cin * plane, stackedSize = subsets * inSize, outSize = cout * plane
        let stacked = subsets * cin
        let packed = packedWeight()
        let entryCount = graph.count

        // R[o, w] = Σ_{s,t} dy[s, o, t, w]: the bias gradient and the bias part of dA need it.
        var jointSums = [Float](repeating: 0, count: cout * joints)
        withReadPointers(dy.scalars, [Float](repeating: 1, count: frames)) { dy, ones in
            jointSums.withUnsafeMutableBufferPointer { jointSums in
                Parallel.forEach(cout) { o, _ in
                    for s in 0..<samples {
                        // R[o, :] += dY[s, o]ᵀ · 1, dY[s, o] being T × V.
                        BLAS.gemv(transposeA: true, m: frames, n: joints, a: dy + s * outSize + o * plane,
                                  lda: joints, x: ones, beta: 1, y: jointSums.baseAddress! + o * joints)
                    }
                }
            }
        }
        let columnSums = graph.columnSums
        var entryGradient = [Float](repeating: 0, count: entryCount)
        for k in 0..<subsets {
            for o in 0..<cout {
                var sum: Float = 0
                for w in 0..<joints { sum += jointSums[o * joints + w] * columnSums[k * joints + w] }
                bias.gradient[k * cout + o] += sum
            }
        }
        for e in 0..<entryCount {
            let k = graph.subsets[e], w = graph.targets[e]
            var sum: Float = 0
            for o in 0..<cout { sum += bias.value[k * cout + o] * jointSums[o * joints + w] }
            entryGradient[e] += sum
        }

        // Per worker: scratch for the recomputed aggregation B_s and for G_s = W'ᵀ·dY_s, and an
        // accumulator holding dW' (packed like W') followed by the entries' dA.
        let weightSize = packed.count
        let dx = withReadPointers(dy.scalars, input.scalars, packed) { dy, x, weight in
            Tensor(shape: input.shape) { dx in
                WorkPlan(wholeSamples: samples).forEach(
                    scratchPerWorker: 2 * stackedSize, accumulatorPerWorker: weightSize + entryCount
                ) { item, scratch, accumulator in
                    let s = item.sample
                    let dys = dy + s * outSize, xs = x + s * inSize
                    let aggregated = scratch, aggregatedGradient = scratch + stackedSize
                    graph.aggregate(xs, rows: 0..<(cin * frames), planeStride: inSize, into: aggregated)
                    // dW' += dY_s · B_sᵀ
                    BLAS.gemm(transposeB: true, m: cout, n: stacked, k: plane, a: dys, lda: plane,
                              b: aggregated, ldb: plane, beta: 1, c: accumulator, ldc: stacked)
                    // G_s = W'ᵀ · dY_s
                    BLAS.gemm(transposeA: true, m: stacked, n: plane, k: cout, a: weight, lda: stacked,
                              b: dys, ldb: plane, beta: 0, c: aggregatedGradient, ldc: plane)
                    graph.aggregateBackward(aggregatedGradient, input: xs, rows: cin * frames, planeStride: inSize,
                                            inputGradient: dx + s * inSize, entryGradient: accumulator + weightSize)
                } reduce: { accumulator in
                    for e in 0..<entryCount { entryGradient[e] += accumulator[weightSize + e] }
                    addUnpackedWeightGradient(accumulator)
                }
            }
        }
        var dAdjacency = [Float](repeating: 0, count: subsets * joints * joints)
        for e in 0..<entryCount {
            dAdjacency[(graph.subsets[e] * joints + graph.sources[e]) * joints + graph.targets[e]] = entryGradient[e]
        }
        return (dx, dAdjacency)
    }

    /// Adds a gradient packed like `packedWeight` (`dW'[o, k·C_in + i]`) to `weight.gradient`
    /// in PyTorch's layout (`dW[k·C_out + o, i]`).
    private func addUnpackedWeightGradient(_ packed: UnsafePointer<Float>) {
        let (subsets, outputs, inputs) = (subsetCount, outputChannels, inputChannels)
        let stacked = subsets * inputs
        weight.gradient.withUnsafeMutableBufferPointer { g in
            for k in 0..<subsets {
                for o in 0..<outputs {
                    for i in 0..<inputs { g[(k * outputs + o) * inputs + i] += packed[o * stacked + k * inputs + i] }
                }
            }
        }
    }

    /// `W'[o, k·C_in + i] = W[k·C_out + o, i]`: one row per output channel over all subsets.
    private func packedWeight() -> [Float] {
        let (subsets, outputs, inputs) = (subsetCount, outputChannels, inputChannels)
        return [Float](unsafeUninitializedCapacity: weight.count) { packed, initialized in
            weight.value.withUnsafeBufferPointer { w in
                for k in 0..<subsets {
                    for o in 0..<outputs {
                        for i in 0..<inputs {
                            packed[o * subsets * inputs + k * inputs + i] = w[(k * outputs + o) * inputs + i]
                        }
                    }
                }
            }
            initialized = weight.count
        }
    }

    /// `bias'[o, w] = Σ_k b[k·C_out + o] · Σ_v A[k, v, w]`, `C_out × V`.
    private func effectiveBias(_ graph: SparseAdjacency) -> [Float] {
        let joints = graph.jointCount
        let sums = graph.columnSums
        var result = [Float](repeating: 0, count: outputChannels * joints)
        for k in 0..<subsetCount {
            for o in 0..<outputChannels {
                let b = bias.value[k * outputChannels + o]
                for w in 0..<joints { result[o * joints + w] += b * sums[k * joints + w] }
            }
        }
        return result
    }
}
