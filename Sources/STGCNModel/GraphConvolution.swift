import STGCNTensor

/// The spatial graph convolution of an ST-GCN block (the official `ConvTemporalGraphical`
/// with a 1-frame kernel):
///
///     z[k·C_out + o, t, v] = Σ_i W[k·C_out + o, i] · x[i, t, v] + b[k·C_out + o]
///     y[o, t, w]           = Σ_k Σ_v z[k·C_out + o, t, v] · A[k, v, w]
///
/// Both maps are linear, so they commute: this layer aggregates first (`x·A_k`, on C_in
/// channels, never more than C_out) and then runs a single GEMM with K·C_in inputs. The
/// bias then contributes `Σ_k b[k·C_out + o] · Σ_v A[k, v, w]`. Results equal the official
/// order up to float rounding, with fewer FLOPs where C_in < C_out.
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
    private var aggregated: [Float] = []
    private var adjacency: [Float] = []

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
    public func forward(_ x: Tensor, adjacency: [Float], training: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                     "GraphConvolution(\(inputChannels)→\(outputChannels)) got shape \(x.shape)")
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        precondition(adjacency.count == subsetCount * joints * joints, "adjacency does not match V = \(joints)")
        input = x
        self.adjacency = adjacency
        let plane = frames * joints
        let inSize = inputChannels * plane, stackedSize = subsetCount * inSize
        let outSize = outputChannels * plane
        aggregated = [Float](repeating: 0, count: samples * stackedSize)
        let packed = packedWeight()
        let effectiveBias = self.effectiveBias(joints: joints)
        var y = Tensor(shape: [samples, outputChannels, frames, joints])
        x.scalars.withUnsafeBufferPointer { xp in
            adjacency.withUnsafeBufferPointer { ap in
                aggregated.withUnsafeMutableBufferPointer { bp in
                    packed.withUnsafeBufferPointer { wp in
                        y.scalars.withUnsafeMutableBufferPointer { yp in
                            for s in 0..<samples {
                                let stacked = bp.baseAddress! + s * stackedSize
                                for k in 0..<subsetCount {
                                    // (C_in·T × V) · (V × V)
                                    BLAS.gemm(m: inputChannels * frames, n: joints, k: joints,
                                              a: xp.baseAddress! + s * inSize, lda: joints,
                                              b: ap.baseAddress! + k * joints * joints, ldb: joints,
                                              beta: 0, c: stacked + k * inSize, ldc: joints)
                                }
                                let ys = yp.baseAddress! + s * outSize
                                effectiveBias.withUnsafeBufferPointer { ebp in
                                    for o in 0..<outputChannels {
                                        let row = ys + o * plane
                                        for t in 0..<frames {
                                            (row + t * joints).update(from: ebp.baseAddress! + o * joints, count: joints)
                                        }
                                    }
                                }
                                BLAS.gemm(m: outputChannels, n: plane, k: subsetCount * inputChannels,
                                          a: wp.baseAddress!, lda: subsetCount * inputChannels,
                                          b: stacked, ldb: plane, beta: 1, c: ys, ldc: plane)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Returns `(dL/dx, dL/dA)` for the last `forward` and accumulates the weight and bias gradients.
    public func backward(_ dy: Tensor) -> (input: Tensor, adjacency: [Float]) {
        let (samples, frames, joints) = (input.shape[0], input.shape[2], input.shape[3])
        precondition(dy.shape == [samples, outputChannels, frames, joints],
                     "GraphConvolution.backward: unexpected gradient shape \(dy.shape)")
        let plane = frames * joints
        let inSize = inputChannels * plane, stackedSize = subsetCount * inSize
        let outSize = outputChannels * plane
        let stackedChannels = subsetCount * inputChannels
        let packed = packedWeight()
        var packedGradient = [Float](repeating: 0, count: packed.count)
        var dAdjacency = [Float](repeating: 0, count: subsetCount * joints * joints)
        var dx = Tensor(shape: input.shape)
        var stackedGradient = [Float](repeating: 0, count: stackedSize)
        // R[o, w] = Σ_{s,t} dy[s, o, t, w]: what the bias and its share of dA need.
        var jointSums = [Float](repeating: 0, count: outputChannels * joints)
        dy.scalars.withUnsafeBufferPointer { gp in
            for s in 0..<samples {
                for o in 0..<outputChannels {
                    let row = gp.baseAddress! + s * outSize + o * plane
                    for t in 0..<frames {
                        for w in 0..<joints { jointSums[o * joints + w] += row[t * joints + w] }
                    }
                }
            }
        }
        for k in 0..<subsetCount {
            for o in 0..<outputChannels {
                var sum: Float = 0
                let b = bias.value[k * outputChannels + o]
                for w in 0..<joints {
                    var column: Float = 0
                    for v in 0..<joints { column += adjacency[(k * joints + v) * joints + w] }
                    sum += jointSums[o * joints + w] * column
                    for v in 0..<joints { dAdjacency[(k * joints + v) * joints + w] += b * jointSums[o * joints + w] }
                }
                bias.gradient[k * outputChannels + o] += sum
            }
        }
        dy.scalars.withUnsafeBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                aggregated.withUnsafeBufferPointer { bp in
                    packed.withUnsafeBufferPointer { wp in
                        packedGradient.withUnsafeMutableBufferPointer { dwp in
                            stackedGradient.withUnsafeMutableBufferPointer { sgp in
                                adjacency.withUnsafeBufferPointer { ap in
                                    dAdjacency.withUnsafeMutableBufferPointer { dap in
                                        dx.scalars.withUnsafeMutableBufferPointer { dxp in
                                            for s in 0..<samples {
                                                let g = gp.baseAddress! + s * outSize
                                                // dW' += dY_s · B_sᵀ
                                                BLAS.gemm(transposeB: true, m: outputChannels, n: stackedChannels,
                                                          k: plane, a: g, lda: plane,
                                                          b: bp.baseAddress! + s * stackedSize, ldb: plane,
                                                          beta: 1, c: dwp.baseAddress!, ldc: stackedChannels)
                                                // G_s = W'ᵀ · dY_s
                                                BLAS.gemm(transposeA: true, m: stackedChannels, n: plane,
                                                          k: outputChannels, a: wp.baseAddress!, lda: stackedChannels,
                                                          b: g, ldb: plane, beta: 0, c: sgp.baseAddress!, ldc: plane)
                                                let xs = xp.baseAddress! + s * inSize
                                                for k in 0..<subsetCount {
                                                    let gk = sgp.baseAddress! + k * inSize
                                                    // dX_s += G_k · A_kᵀ
                                                    BLAS.gemm(transposeB: true, m: inputChannels * frames, n: joints,
                                                              k: joints, a: gk, lda: joints,
                                                              b: ap.baseAddress! + k * joints * joints, ldb: joints,
                                                              beta: 1, c: dxp.baseAddress! + s * inSize, ldc: joints)
                                                    // dA_k += X_sᵀ · G_k
                                                    BLAS.gemm(transposeA: true, m: joints, n: joints,
                                                              k: inputChannels * frames, a: xs, lda: joints,
                                                              b: gk, ldb: joints, beta: 1,
                                                              c: dap.baseAddress! + k * joints * joints, ldc: joints)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Unpack W'[o, k·C_in + i] into PyTorch's W[k·C_out + o, i].
        let (subsets, outputs, inputs) = (subsetCount, outputChannels, inputChannels)
        weight.gradient.withUnsafeMutableBufferPointer { g in
            packedGradient.withUnsafeBufferPointer { pg in
                for k in 0..<subsets {
                    for o in 0..<outputs {
                        for i in 0..<inputs {
                            g[(k * outputs + o) * inputs + i] += pg[o * stackedChannels + k * inputs + i]
                        }
                    }
                }
            }
        }
        return (dx, dAdjacency)
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
    private func effectiveBias(joints: Int) -> [Float] {
        var result = [Float](repeating: 0, count: outputChannels * joints)
        for k in 0..<subsetCount {
            for w in 0..<joints {
                var column: Float = 0
                for v in 0..<joints { column += adjacency[(k * joints + v) * joints + w] }
                for o in 0..<outputChannels {
                    result[o * joints + w] += bias.value[k * outputChannels + o] * column
                }
            }
        }
        return result
    }
}
