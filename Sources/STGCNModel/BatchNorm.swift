import STGCNTensor

/// Batch normalization over the channel axis of a `(S, C, …)` tensor, as PyTorch's
/// `BatchNorm1d`/`BatchNorm2d`: statistics per channel over every other axis.
///
/// Training mode normalizes with the batch statistics (biased variance) and moves the
/// running statistics towards them with `momentum`, using the unbiased variance;
/// evaluation mode normalizes with the running statistics.
public final class BatchNorm: ParameterContainer {
    /// The number of channels `C`.
    public let channelCount: Int
    /// Added to the variance before the square root (PyTorch: 1e-5).
    public let epsilon: Float
    /// The weight of the new batch statistics in the running averages (PyTorch: 0.1).
    public let momentum: Float
    /// The per-channel scale γ.
    public let weight: Parameter
    /// The per-channel shift β.
    public let bias: Parameter
    /// The running mean, used in evaluation mode.
    public let runningMean: StateBuffer
    /// The running (unbiased) variance, used in evaluation mode.
    public let runningVariance: StateBuffer
    /// The number of training batches seen (PyTorch's `num_batches_tracked`).
    public let batchesTracked: StateBuffer

    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var savedShape: [Int] = []

    /// A batch norm over `channelCount` channels with γ = 1, β = 0 and unit running statistics.
    public init(channelCount: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.channelCount = channelCount
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(shape: [channelCount], initialValue: 1)
        bias = Parameter(shape: [channelCount], initialValue: 0)
        runningMean = StateBuffer(shape: [channelCount], initialValue: 0)
        runningVariance = StateBuffer(shape: [channelCount], initialValue: 1)
        batchesTracked = StateBuffer(shape: [], initialValue: 0, isCounter: true)
    }

    public func visitParameters(prefix: String, _ body: (String, Parameter) throws -> Void) rethrows {
        try body(prefix + "weight", weight)
        try body(prefix + "bias", bias)
    }

    public func visitBuffers(prefix: String, _ body: (String, StateBuffer) throws -> Void) rethrows {
        try body(prefix + "running_mean", runningMean)
        try body(prefix + "running_var", runningVariance)
        try body(prefix + "num_batches_tracked", batchesTracked)
    }

    /// Normalizes `x` of shape `(S, C, …)`; keeps what `backward` needs.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count >= 2 && x.shape[1] == channelCount,
                     "BatchNorm over \(channelCount) channels got shape \(x.shape)")
        let samples = x.shape[0]
        let inner = x.shape.dropFirst(2).reduce(1, *)
        let count = samples * inner
        savedShape = x.shape
        var mean = [Float](repeating: 0, count: channelCount)
        inverseStd = [Float](repeating: 0, count: channelCount)
        if training {
            x.scalars.withUnsafeBufferPointer { xp in
                for c in 0..<channelCount {
                    var sum = 0.0
                    for s in 0..<samples {
                        let row = xp.baseAddress! + (s * channelCount + c) * inner
                        var partial: Float = 0
                        for i in 0..<inner { partial += row[i] }
                        sum += Double(partial)
                    }
                    let m = sum / Double(count)
                    var squares = 0.0
                    let mf = Float(m)
                    for s in 0..<samples {
                        let row = xp.baseAddress! + (s * channelCount + c) * inner
                        var partial: Float = 0
                        for i in 0..<inner { let d = row[i] - mf; partial += d * d }
                        squares += Double(partial)
                    }
                    let biasedVariance = squares / Double(count)
                    mean[c] = mf
                    inverseStd[c] = Float(1 / (biasedVariance + Double(epsilon)).squareRoot())
                    let unbiased = count > 1 ? squares / Double(count - 1) : biasedVariance
                    runningMean.value[c] = (1 - momentum) * runningMean.value[c] + momentum * mf
                    runningVariance.value[c] = (1 - momentum) * runningVariance.value[c]
                        + momentum * Float(unbiased)
                }
            }
            batchesTracked.value[0] += 1
        } else {
            for c in 0..<channelCount {
                mean[c] = runningMean.value[c]
                inverseStd[c] = 1 / (runningVariance.value[c] + epsilon).squareRoot()
            }
        }
        var output = Tensor(shape: x.shape)
        normalized = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { xp in
            normalized.withUnsafeMutableBufferPointer { np in
                output.scalars.withUnsafeMutableBufferPointer { yp in
                    for s in 0..<samples {
                        for c in 0..<channelCount {
                            let offset = (s * channelCount + c) * inner
                            let m = mean[c], k = inverseStd[c]
                            let g = weight.value[c], b = bias.value[c]
                            for i in offset..<(offset + inner) {
                                let h = (xp[i] - m) * k
                                np[i] = h
                                yp[i] = h * g + b
                            }
                        }
                    }
                }
            }
        }
        lastForwardUsedBatchStatistics = training
        return output
    }

    private var lastForwardUsedBatchStatistics = false

    /// Returns dL/dx for the last `forward` and accumulates dL/dγ and dL/dβ.
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == savedShape, "BatchNorm.backward: shape \(dy.shape) ≠ \(savedShape)")
        let samples = savedShape[0]
        let inner = savedShape.dropFirst(2).reduce(1, *)
        let count = Float(samples * inner)
        var dx = Tensor(shape: savedShape)
        dy.scalars.withUnsafeBufferPointer { gp in
            normalized.withUnsafeBufferPointer { np in
                dx.scalars.withUnsafeMutableBufferPointer { dxp in
                    for c in 0..<channelCount {
                        var sumDy = 0.0, sumDyH = 0.0
                        for s in 0..<samples {
                            let offset = (s * channelCount + c) * inner
                            var a: Float = 0, b: Float = 0
                            for i in offset..<(offset + inner) { a += gp[i]; b += gp[i] * np[i] }
                            sumDy += Double(a)
                            sumDyH += Double(b)
                        }
                        weight.gradient[c] += Float(sumDyH)
                        bias.gradient[c] += Float(sumDy)
                        let scale = weight.value[c] * inverseStd[c]
                        if lastForwardUsedBatchStatistics {
                            let meanDy = Float(sumDy) / count, meanDyH = Float(sumDyH) / count
                            for s in 0..<samples {
                                let offset = (s * channelCount + c) * inner
                                for i in offset..<(offset + inner) {
                                    dxp[i] = scale * (gp[i] - meanDy - np[i] * meanDyH)
                                }
                            }
                        } else {
                            for s in 0..<samples {
                                let offset = (s * channelCount + c) * inner
                                for i in offset..<(offset + inner) { dxp[i] = scale * gp[i] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
