import STGCNTensor

/// A convolution over time with a `(kernelSize × 1)` kernel, PyTorch's
/// `Conv2d(C_in, C_out, (k, 1), stride: (s, 1), padding: ((k - 1) / 2, 0))` on `(S, C, T, V)`.
///
/// It serves three roles in ST-GCN: the 9×1 temporal convolution of each block, the
/// strided 1×1 residual projection (`kernelSize == 1`), and the classifier (`T = V = 1`).
///
/// Stride 1 with a kernel length divisible by 3 runs the Winograd F(3, 3) form (see
/// `WinogradTemporalCorrelation`) in `backward` and in forward passes outside training, unless
/// `algorithm` is `.direct` (see `TemporalConvolutionAlgorithm` for why training forward passes
/// stay direct). The direct form, used by every other stride-1 shape, is `kernelSize`
/// accumulating GEMMs on time-shifted views of the input (no unfolded copy). Other strides unfold the input (im2col) into a per-worker buffer and
/// run one GEMM against the weight in PyTorch's own `(C_out, C_in·k)` layout. Samples run in
/// parallel (see `WorkPlan`); with fewer samples than workers, output frames are split instead.
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

    /// How stride-1 convolutions with a kernel length divisible by 3 are computed.
    public var algorithm: TemporalConvolutionAlgorithm = .winograd

    /// Whether `backward` and the forward passes outside training run the Winograd form.
    var usesWinograd: Bool {
        algorithm == .winograd && WinogradTemporalCorrelation.supports(kernelSize: kernelSize, stride: stride)
    }

    private var input = Tensor(shape: [0])
    /// The Winograd kernel of the current weights for forward passes outside training.
    let winogradKernel = WinogradKernelCache()

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
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        forward(x, mode: mode, retainingInput: mode.retainsActivations)
    }

    /// Convolves `x`, keeping it for `backward(_:)` only when `retainingInput`. A caller that can
    /// rebuild the input more cheaply than it can store it passes `false` and hands the rebuilt
    /// input to `backward(_:input:)`.
    public func forward(_ x: Tensor, mode: ForwardMode, retainingInput: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                     "TemporalConvolution(\(inputChannels)→\(outputChannels)) got shape \(x.shape)")
        if retainingInput { input = x }
        if usesWinograd && mode != .training { return winogradForward(x) }
        return directForward(x, outputs: 0..<outputLength(forInputLength: x.shape[2]))
    }

    /// The evaluation-mode output frames `outputs` of `forward(x, mode: .inference)` only,
    /// `(S, C_out, outputs.count, V)`, computed alone (the sliding-window evaluator needs a
    /// window's edge positions, not the margins of the input slice they are computed from).
    func forward(_ x: Tensor, outputs: Range<Int>) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                     "TemporalConvolution(\(inputChannels)→\(outputChannels)) got shape \(x.shape)")
        precondition(outputs.lowerBound >= 0 && outputs.upperBound <= outputLength(forInputLength: x.shape[2]),
                     "output frames \(outputs) outside the output")
        return usesWinograd ? winogradForward(x, outputs: outputs) : directForward(x, outputs: outputs)
    }

    /// The direct form, output frames `outputs` only: `(S, C_out, outputs.count, V)`.
    private func directForward(_ x: Tensor, outputs: Range<Int>) -> Tensor {
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        let outFrames = outputs.count
        let inSize = inputChannels * frames * joints, outSize = outputChannels * outFrames * joints
        let columns = outFrames * joints
        let (cin, cout, taps, pad, step) = (inputChannels, outputChannels, kernelSize, padding, stride)
        // Work items: whole samples, or output-frame ranges of a sample when samples are few.
        let plan = WorkPlan(samples: samples, splittingUpTo: outFrames)
        let unfoldedRows = cin * taps
        let maxPieceFrames = (outFrames + plan.piecesPerSample - 1) / max(1, plan.piecesPerSample)
        let weights = step == 1 ? packedWeight() : weight.value
        let origin = outputs.lowerBound
        return withReadPointers(x.scalars, weights, bias.value) { x, weights, bias in
            Tensor(shape: [samples, cout, outFrames, joints]) { y in
                plan.forEach(scratchPerWorker: step == 1 ? 0 : unfoldedRows * maxPieceFrames * joints) { item, unfolded in
                    let share = item.share(of: outFrames)
                    guard !share.isEmpty else { return }
                    // Output frames t0..<t1, stored from position t0 − origin.
                    let (t0, t1) = (share.lowerBound + origin, share.upperBound + origin)
                    let xs = x + item.sample * inSize, ys = y + item.sample * outSize - origin * joints
                    for o in 0..<cout {
                        (ys + o * columns + t0 * joints).update(repeating: bias[o], count: (t1 - t0) * joints)
                    }
                    if step == 1 {
                        // One accumulating GEMM per tap on a time-shifted view of the input.
                        for tap in 0..<taps {
                            let shift = tap - pad
                            let lo = max(t0, -shift), hi = min(t1, frames - shift)
                            guard hi > lo else { continue }
                            BLAS.gemm(m: cout, n: (hi - lo) * joints, k: cin, a: weights + tap * cout * cin, lda: cin,
                                      b: xs + (lo + shift) * joints, ldb: frames * joints,
                                      beta: 1, c: ys + lo * joints, ldc: columns)
                        }
                    } else {
                        let width = (t1 - t0) * joints
                        Self.unfold(xs, channels: cin, taps: taps, stride: step, padding: pad,
                                    frames: frames, joints: joints, frameRange: t0..<t1, into: unfolded)
                        BLAS.gemm(m: cout, n: width, k: unfoldedRows, a: weights, lda: unfoldedRows,
                                  b: unfolded, ldb: width, beta: 1, c: ys + t0 * joints, ldc: columns)
                    }
                }
            }
        }
    }

    /// Drops what the last retaining forward kept for `backward`.
    public func releaseActivations() {
        input = Tensor(shape: [0])
    }

    /// Returns dL/dx for the last retaining `forward` and accumulates the weight and bias gradients.
    public func backward(_ dy: Tensor) -> Tensor {
        backward(dy, input: input)
    }

    /// Returns dL/dx for a forward pass on `input` (bit-identical to the one given to `forward`,
    /// which need not have kept it) and accumulates the weight and bias gradients.
    ///
    /// When `inputIsRectified` (the input is a ReLU's output), the result is the gradient with
    /// respect to the ReLU's *input* instead: dL/dx where `input > 0`, else 0. The mask is
    /// applied per sample while its gradient is still in cache, saving a pass over memory.
    public func backward(_ dy: Tensor, input: Tensor, inputIsRectified: Bool = false) -> Tensor {
        let (samples, frames, joints) = (input.shape[0], input.shape[2], input.shape[3])
        let outFrames = outputLength(forInputLength: frames)
        precondition(input.shape.count == 4 && dy.shape == [samples, outputChannels, outFrames, joints],
                     "TemporalConvolution.backward: gradient \(dy.shape) does not match the retained input \(input.shape)")
        let inSize = inputChannels * frames * joints, outSize = outputChannels * outFrames * joints
        let columns = outFrames * joints
        let (cin, cout, taps, pad, step) = (inputChannels, outputChannels, kernelSize, padding, stride)
        // Bias: Σ over samples and positions, parallel over output channels.
        var biasGradient = [Float](repeating: 0, count: cout)
        dy.scalars.withUnsafeBufferPointer { dy in
            biasGradient.withUnsafeMutableBufferPointer { biasGradient in
                Parallel.forEach(cout) { o, _ in
                    var total = 0.0
                    for s in 0..<samples {
                        total += Double(VectorReduction.sum(dy.baseAddress! + s * outSize + o * columns, count: columns))
                    }
                    biasGradient[o] = Float(total)
                }
            }
        }
        for o in 0..<cout { bias.gradient[o] += biasGradient[o] }
        if usesWinograd { return winogradBackward(dy, input: input, inputIsRectified: inputIsRectified) }

        // Per worker: the unfolded input and its gradient (strided), and the weight gradient
        // (packed per tap like `packedWeight` for stride 1).
        let unfoldedRows = cin * taps
        let weights = step == 1 ? packedWeight() : weight.value
        return withReadPointers(dy.scalars, input.scalars, weights) { dy, x, weights in
            Tensor(shape: input.shape) { dx in
                WorkPlan(wholeSamples: samples).forEach(
                    scratchPerWorker: step == 1 ? 0 : 2 * unfoldedRows * columns, accumulatorPerWorker: weight.count
                ) { item, scratch, dw in
                    let dys = dy + item.sample * outSize
                    let xs = x + item.sample * inSize, dxs = dx + item.sample * inSize
                    if step == 1 {
                        // The centre tap covers every frame, so it initializes dX.
                        for tap in [pad] + (0..<taps).filter({ $0 != pad }) {
                            let shift = tap - pad
                            let lo = max(0, -shift), hi = min(outFrames, frames - shift)
                            guard hi > lo else { continue }
                            let n = (hi - lo) * joints
                            let tapOffset = tap * cout * cin
                            BLAS.gemm(transposeB: true, m: cout, n: cin, k: n, a: dys + lo * joints, lda: columns,
                                      b: xs + (lo + shift) * joints, ldb: frames * joints,
                                      beta: 1, c: dw + tapOffset, ldc: cin)
                            BLAS.gemm(transposeA: true, m: cin, n: n, k: cout, a: weights + tapOffset, lda: cin,
                                      b: dys + lo * joints, ldb: columns, beta: tap == pad ? 0 : 1,
                                      c: dxs + (lo + shift) * joints, ldc: frames * joints)
                        }
                    } else {
                        let unfolded = scratch, unfoldedGradient = scratch + unfoldedRows * columns
                        Self.unfold(xs, channels: cin, taps: taps, stride: step, padding: pad,
                                    frames: frames, joints: joints, frameRange: 0..<outFrames, into: unfolded)
                        BLAS.gemm(transposeB: true, m: cout, n: unfoldedRows, k: columns, a: dys, lda: columns,
                                  b: unfolded, ldb: columns, beta: 1, c: dw, ldc: unfoldedRows)
                        BLAS.gemm(transposeA: true, m: unfoldedRows, n: columns, k: cout, a: weights, lda: unfoldedRows,
                                  b: dys, ldb: columns, beta: 0, c: unfoldedGradient, ldc: columns)
                        dxs.update(repeating: 0, count: inSize)
                        Self.fold(unfoldedGradient, channels: cin, taps: taps, stride: step, padding: pad,
                                  frames: frames, joints: joints, outFrames: outFrames, into: dxs)
                    }
                    if inputIsRectified { VectorArithmetic.keepWherePositive(dxs, mask: xs, count: inSize) }
                } reduce: { dw in
                    addWeightGradient(dw)
                }
            }
        }
    }

    /// Adds one worker's weight gradient to `weight.gradient`: unpacked from `(k, C_out, C_in)`
    /// to `(C_out, C_in, k)` for stride 1, as is otherwise.
    private func addWeightGradient(_ partial: UnsafePointer<Float>) {
        let (cout, cin, taps) = (outputChannels, inputChannels, kernelSize)
        weight.gradient.withUnsafeMutableBufferPointer { g in
            if stride == 1 && taps > 1 {
                for tap in 0..<taps {
                    for o in 0..<cout {
                        for i in 0..<cin { g[(o * cin + i) * taps + tap] += partial[(tap * cout + o) * cin + i] }
                    }
                }
            } else {
                for i in 0..<g.count { g[i] += partial[i] }
            }
        }
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

    /// Writes the unfolded input for output frames `frameRange`: row `i·k + tap`, column
    /// `(t' − lower)·V + v` holds `x[i, t'·stride + tap − padding, v]`, or 0 outside the sequence.
    static func unfold(_ x: UnsafePointer<Float>, channels: Int, taps: Int, stride: Int, padding: Int,
                       frames: Int, joints: Int, frameRange: Range<Int>, into unfolded: UnsafeMutablePointer<Float>) {
        let width = frameRange.count * joints
        for i in 0..<channels {
            for tap in 0..<taps {
                let row = unfolded + (i * taps + tap) * width
                for t in frameRange {
                    let source = t * stride + tap - padding
                    let destination = row + (t - frameRange.lowerBound) * joints
                    if source >= 0 && source < frames {
                        destination.update(from: x + (i * frames + source) * joints, count: joints)
                    } else {
                        destination.update(repeating: 0, count: joints)
                    }
                }
            }
        }
    }

    /// The adjoint of `unfold` over all output frames: adds each unfolded entry back to its input position.
    static func fold(_ unfolded: UnsafePointer<Float>, channels: Int, taps: Int, stride: Int, padding: Int,
                     frames: Int, joints: Int, outFrames: Int, into x: UnsafeMutablePointer<Float>) {
        let columns = outFrames * joints
        for i in 0..<channels {
            for tap in 0..<taps {
                let row = unfolded + (i * taps + tap) * columns
                for t in 0..<outFrames {
                    let source = t * stride + tap - padding
                    guard source >= 0 && source < frames else { continue }
                    VectorArithmetic.add(row + t * joints, into: x + (i * frames + source) * joints, count: joints)
                }
            }
        }
    }
}
