import STGCNTensor

/// A convolution over time with a `(kernelSize × 1)` kernel, PyTorch's
/// `Conv2d(C_in, C_out, (k, 1), stride: (s, 1), padding: ((k - 1) / 2, 0))` on `(S, C, T, V)`.
///
/// It serves three roles in ST-GCN: the 9×1 temporal convolution of each block, the
/// strided 1×1 residual projection (`kernelSize == 1`), and the classifier (`T = V = 1`).
///
/// Stride 1 runs as `kernelSize` accumulating GEMMs on time-shifted views of the input
/// (no unfolded copy); other strides unfold the input (im2col) into a per-sample buffer and
/// run one GEMM against the weight in PyTorch's own `(C_out, C_in·k)` layout.
public final class TemporalConvolution: ParameterContainer {
    /// Input channels.
    public let inputChannels: Int
    /// Output channels.
    public let outputChannels: Int
    /// The temporal extent of the kernel (odd).
    public let kernelSize: Int
    /// The temporal stride.
    public let stride: Int
    /// Zero padding on both ends of the time axis: `(kernelSize - 1) / 2`.
    public var padding: Int { (kernelSize - 1) / 2 }
    /// `(C_out, C_in, k, 1)`, PyTorch's layout.
    public let weight: Parameter
    /// `(C_out)`.
    public let bias: Parameter

    private var input = Tensor(shape: [0])

    /// A convolution with zero weights; load or initialize them before use.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int = 1, stride: Int = 1) {
        precondition(kernelSize >= 1 && kernelSize % 2 == 1, "temporal kernel size must be odd, got \(kernelSize)")
        precondition(stride >= 1, "stride must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        weight = Parameter(shape: [outputChannels, inputChannels, kernelSize, 1])
        bias = Parameter(shape: [outputChannels])
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try body(prefix + "weight", weight)
        try body(prefix + "bias", bias)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {}

    /// The output length for an input of `frames` frames (PyTorch's formula).
    public func outputLength(forInputLength frames: Int) -> Int {
        (frames + 2 * padding - kernelSize) / stride + 1
    }

    /// Convolves `x` of shape `(S, C_in, T, V)` to `(S, C_out, T', V)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                     "TemporalConvolution(\(inputChannels)→\(outputChannels)) got shape \(x.shape)")
        input = x
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        let outFrames = outputLength(forInputLength: frames)
        var y = Tensor(shape: [samples, outputChannels, outFrames, joints])
        let inSize = inputChannels * frames * joints, outSize = outputChannels * outFrames * joints
        let columns = outFrames * joints
        if stride == 1 {
            let packed = packedWeight()
            packed.withUnsafeBufferPointer { wp in
                x.scalars.withUnsafeBufferPointer { xp in
                    y.scalars.withUnsafeMutableBufferPointer { yp in
                        for s in 0..<samples {
                            let ys = yp.baseAddress! + s * outSize
                            fillRows(ys, rows: outputChannels, columns: columns, with: bias.value)
                            for tap in 0..<kernelSize {
                                let shift = tap - padding
                                let lo = max(0, -shift), hi = min(outFrames, frames - shift)
                                guard hi > lo else { continue }
                                BLAS.gemm(m: outputChannels, n: (hi - lo) * joints, k: inputChannels,
                                          a: wp.baseAddress! + tap * outputChannels * inputChannels,
                                          lda: inputChannels,
                                          b: xp.baseAddress! + s * inSize + (lo + shift) * joints,
                                          ldb: frames * joints,
                                          beta: 1, c: ys + lo * joints, ldc: columns)
                            }
                        }
                    }
                }
            }
        } else {
            let unfoldedRows = inputChannels * kernelSize
            var unfolded = [Float](repeating: 0, count: unfoldedRows * columns)
            weight.value.withUnsafeBufferPointer { wp in
                x.scalars.withUnsafeBufferPointer { xp in
                    y.scalars.withUnsafeMutableBufferPointer { yp in
                        unfolded.withUnsafeMutableBufferPointer { up in
                            for s in 0..<samples {
                                let ys = yp.baseAddress! + s * outSize
                                unfold(xp.baseAddress! + s * inSize, frames: frames, joints: joints,
                                       outFrames: outFrames, into: up.baseAddress!)
                                fillRows(ys, rows: outputChannels, columns: columns, with: bias.value)
                                BLAS.gemm(m: outputChannels, n: columns, k: unfoldedRows,
                                          a: wp.baseAddress!, lda: unfoldedRows,
                                          b: up.baseAddress!, ldb: columns,
                                          beta: 1, c: ys, ldc: columns)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Returns dL/dx for the last `forward` and accumulates the weight and bias gradients.
    public func backward(_ dy: Tensor) -> Tensor {
        let (samples, frames, joints) = (input.shape[0], input.shape[2], input.shape[3])
        let outFrames = outputLength(forInputLength: frames)
        precondition(dy.shape == [samples, outputChannels, outFrames, joints],
                     "TemporalConvolution.backward: unexpected gradient shape \(dy.shape)")
        let inSize = inputChannels * frames * joints, outSize = outputChannels * outFrames * joints
        let columns = outFrames * joints
        var dx = Tensor(shape: input.shape)
        dy.scalars.withUnsafeBufferPointer { gp in
            for s in 0..<samples {
                for o in 0..<outputChannels {
                    let row = gp.baseAddress! + s * outSize + o * columns
                    var sum: Float = 0
                    for i in 0..<columns { sum += row[i] }
                    bias.gradient[o] += sum
                }
            }
        }
        if stride == 1 {
            let packed = packedWeight()
            var packedGradient = [Float](repeating: 0, count: packed.count)
            packed.withUnsafeBufferPointer { wp in
                packedGradient.withUnsafeMutableBufferPointer { dwp in
                    input.scalars.withUnsafeBufferPointer { xp in
                        dy.scalars.withUnsafeBufferPointer { gp in
                            dx.scalars.withUnsafeMutableBufferPointer { dxp in
                                for s in 0..<samples {
                                    for tap in 0..<kernelSize {
                                        let shift = tap - padding
                                        let lo = max(0, -shift), hi = min(outFrames, frames - shift)
                                        guard hi > lo else { continue }
                                        let n = (hi - lo) * joints
                                        let g = gp.baseAddress! + s * outSize + lo * joints
                                        let xs = xp.baseAddress! + s * inSize + (lo + shift) * joints
                                        let tapOffset = tap * outputChannels * inputChannels
                                        // dW_tap += dY · Xᵀ
                                        BLAS.gemm(transposeB: true, m: outputChannels, n: inputChannels, k: n,
                                                  a: g, lda: columns, b: xs, ldb: frames * joints,
                                                  beta: 1, c: dwp.baseAddress! + tapOffset, ldc: inputChannels)
                                        // dX += W_tapᵀ · dY
                                        BLAS.gemm(transposeA: true, m: inputChannels, n: n, k: outputChannels,
                                                  a: wp.baseAddress! + tapOffset, lda: inputChannels,
                                                  b: g, ldb: columns, beta: 1,
                                                  c: dxp.baseAddress! + s * inSize + (lo + shift) * joints,
                                                  ldc: frames * joints)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Unpack (k, C_out, C_in) into PyTorch's (C_out, C_in, k).
            let (outputs, inputs, taps) = (outputChannels, inputChannels, kernelSize)
            weight.gradient.withUnsafeMutableBufferPointer { g in
                packedGradient.withUnsafeBufferPointer { pg in
                    for tap in 0..<taps {
                        for o in 0..<outputs {
                            for i in 0..<inputs {
                                g[(o * inputs + i) * taps + tap] += pg[(tap * outputs + o) * inputs + i]
                            }
                        }
                    }
                }
            }
        } else {
            let unfoldedRows = inputChannels * kernelSize
            var unfolded = [Float](repeating: 0, count: unfoldedRows * columns)
            var unfoldedGradient = [Float](repeating: 0, count: unfoldedRows * columns)
            weight.value.withUnsafeBufferPointer { wp in
                weight.gradient.withUnsafeMutableBufferPointer { dwp in
                    input.scalars.withUnsafeBufferPointer { xp in
                        dy.scalars.withUnsafeBufferPointer { gp in
                            dx.scalars.withUnsafeMutableBufferPointer { dxp in
                                unfolded.withUnsafeMutableBufferPointer { up in
                                    unfoldedGradient.withUnsafeMutableBufferPointer { ugp in
                                        for s in 0..<samples {
                                            let g = gp.baseAddress! + s * outSize
                                            unfold(xp.baseAddress! + s * inSize, frames: frames, joints: joints,
                                                   outFrames: outFrames, into: up.baseAddress!)
                                            BLAS.gemm(transposeB: true, m: outputChannels, n: unfoldedRows,
                                                      k: columns, a: g, lda: columns,
                                                      b: up.baseAddress!, ldb: columns,
                                                      beta: 1, c: dwp.baseAddress!, ldc: unfoldedRows)
                                            BLAS.gemm(transposeA: true, m: unfoldedRows, n: columns,
                                                      k: outputChannels, a: wp.baseAddress!, lda: unfoldedRows,
                                                      b: g, ldb: columns, beta: 0,
                                                      c: ugp.baseAddress!, ldc: columns)
                                            fold(ugp.baseAddress!, frames: frames, joints: joints,
                                                 outFrames: outFrames, into: dxp.baseAddress! + s * inSize)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// The weight rearranged to `(k, C_out, C_in)`, one contiguous matrix per tap.
    private func packedWeight() -> [Float] {
        if kernelSize == 1 { return weight.value }
        let (outputs, inputs, taps) = (outputChannels, inputChannels, kernelSize)
        return [Float](unsafeUninitializedCapacity: weight.count) { packed, initialized in
            weight.value.withUnsafeBufferPointer { w in
                for o in 0..<outputs {
                    for i in 0..<inputs {
                        for tap in 0..<taps {
                            packed[(tap * outputs + o) * inputs + i] = w[(o * inputs + i) * taps + tap]
                        }
                    }
                }
            }
            initialized = weight.count
        }
    }

    /// Writes one sample's unfolded input: row `i·k + tap`, column `t'·V + v` holds
    /// `x[i, t'·stride + tap − padding, v]`, or 0 outside the sequence.
    private func unfold(_ x: UnsafePointer<Float>, frames: Int, joints: Int, outFrames: Int,
                        into unfolded: UnsafeMutablePointer<Float>) {
        let columns = outFrames * joints
        for i in 0..<inputChannels {
            for tap in 0..<kernelSize {
                let row = unfolded + (i * kernelSize + tap) * columns
                for t in 0..<outFrames {
                    let source = t * stride + tap - padding
                    let destination = row + t * joints
                    if source >= 0 && source < frames {
                        destination.update(from: x + (i * frames + source) * joints, count: joints)
                    } else {
                        destination.update(repeating: 0, count: joints)
                    }
                }
            }
        }
    }

    /// The adjoint of `unfold`: adds each unfolded entry back to the input position it came from.
    private func fold(_ unfolded: UnsafePointer<Float>, frames: Int, joints: Int, outFrames: Int,
                      into x: UnsafeMutablePointer<Float>) {
        let columns = outFrames * joints
        for i in 0..<inputChannels {
            for tap in 0..<kernelSize {
                let row = unfolded + (i * kernelSize + tap) * columns
                for t in 0..<outFrames {
                    let source = t * stride + tap - padding
                    guard source >= 0 && source < frames else { continue }
                    let target = x + (i * frames + source) * joints
                    let from = row + t * joints
                    for v in 0..<joints { target[v] += from[v] }
                }
            }
        }
    }
}

/// Sets row `r` of a `rows × columns` matrix to `values[r]`.
func fillRows(_ matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int, with values: [Float]) {
    for r in 0..<rows {
        (matrix + r * columns).update(repeating: values[r], count: columns)
    }
}
