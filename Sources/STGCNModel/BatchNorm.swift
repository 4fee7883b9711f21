import STGCNTensor

/// Batch normalization over the channel axis of a `(S, C, …)` tensor, as PyTorch's
/// `BatchNorm1d`/`BatchNorm2d`: statistics per channel over every other axis.
///
/// Training mode normalizes with the batch statistics (biased variance) and moves the
/// running statistics towards them with `momentum`, using the unbiased variance; the other
/// modes normalize with the running statistics.
///
/// The layer is usually applied through `affine(for:mode:)`, which returns the per-channel
/// `scale` and `shift` of `y = x·scale + shift`, so the caller can fuse the normalization
/// into its next pass (ReLU, residual add). `backward` recomputes the normalized input
/// from the retained input instead of storing it.
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
    /// The running mean, used outside training.
    public let runningMean: StateBuffer
    /// The running (unbiased) variance, used outside training.
    public let runningVariance: StateBuffer
    /// The number of training batches seen (PyTorch's `num_batches_tracked`).
    public let batchesTracked: StateBuffer

    /// When set, training-mode statistics are summed over every process with it (synchronized
    /// batch norm); nil keeps them per process.
    public var statisticsReducer: (any BatchStatisticsReducer)?

    private var input = Tensor(shape: [0])
    private var mean: [Float] = []
    private var inverseStd: [Float] = []
    private var usedBatchStatistics = false
    /// The number of elements per channel behind the last retained batch statistics (over
    /// every process when they were reduced).
    private var statisticsCount: Float = 0

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

    /// The per-channel `(scale, shift)` that normalize `x` of shape `(S, C, …)` in `mode`:
    /// `y[s, c, i] = x[s, c, i]·scale[c] + shift[c]`. In training mode this computes the batch
    /// statistics and updates the running ones. Keeps `x` for `backward` unless `mode` is inference.
    public func affine(for x: Tensor, mode: ForwardMode) -> (scale: [Float], shift: [Float]) {
        precondition(x.shape.count >= 2 && x.shape[1] == channelCount,
                     "BatchNorm over \(channelCount) channels got shape \(x.shape)")
        let samples = x.shape[0], inner = x.shape.dropFirst(2).reduce(1, *), channels = channelCount
        var mean = [Float](repeating: 0, count: channels)
        var inverseStd = [Float](repeating: 0, count: channels)
        var statisticsCount = Float(samples * inner)
        if mode.usesBatchStatistics {
            var unbiased = [Float](repeating: 0, count: channels)
            if let reducer = statisticsReducer {
                statisticsCount = Self.reducedStatistics(of: x, reducer: reducer, epsilon: epsilon,
                                                         mean: &mean, inverseStd: &inverseStd, unbiased: &unbiased)
            } else {
                let count = samples * inner
                x.scalars.withUnsafeBufferPointer { xp in
                    mean.withUnsafeMutableBufferPointer { mp in
                        inverseStd.withUnsafeMutableBufferPointer { ip in
                            unbiased.withUnsafeMutableBufferPointer { up in
                                Parallel.forEach(channels) { c, _ in
                                    // Two passes (mean, then squared deviations) for accuracy.
                                    var sum = 0.0
                                    for s in 0..<samples {
                                        let row = xp.baseAddress! + (s * channels + c) * inner
                                        sum += Double(VectorReduction.sum(row, count: inner))
                                    }
                                    let m = Float(sum / Double(count))
                                    var squares = 0.0
                                    for s in 0..<samples {
                                        let row = xp.baseAddress! + (s * channels + c) * inner
                                        squares += Double(VectorReduction.sumOfSquaredDeviations(row, count: inner, from: m))
                                    }
                                    mp[c] = m
                                    ip[c] = Float(1 / (squares / Double(count) + Double(epsilon)).squareRoot())
                                    up[c] = Float(count > 1 ? squares / Double(count - 1) : squares / Double(count))
                                }
                            }
                        }
                    }
                }
            }
            for c in 0..<channels {
                runningMean.value[c] = (1 - momentum) * runningMean.value[c] + momentum * mean[c]
                runningVariance.value[c] = (1 - momentum) * runningVariance.value[c] + momentum * unbiased[c]
            }
            batchesTracked.value[0] += 1
        } else {
            for c in 0..<channels {
                mean[c] = runningMean.value[c]
                inverseStd[c] = 1 / (runningVariance.value[c] + epsilon).squareRoot()
            }
        }
        var scale = [Float](repeating: 0, count: channels), shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            scale[c] = weight.value[c] * inverseStd[c]
            shift[c] = bias.value[c] - mean[c] * scale[c]
        }
        if mode.retainsActivations {
            input = x
            self.mean = mean
            self.inverseStd = inverseStd
            self.statisticsCount = statisticsCount
            usedBatchStatistics = mode.usesBatchStatistics
        }
        return (scale, shift)
    }

    /// Drops what the last retaining forward kept for `backward`.
    public func releaseActivations() {
        input = Tensor(shape: [0])
    }

    /// Normalizes `x` of shape `(S, C, …)`.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let (scale, shift) = affine(for: x, mode: mode)
        var y = Tensor(uninitializedShape: x.shape)
        let rows = x.shape[0] * channelCount, inner = x.count / max(rows, 1)
        x.scalars.withUnsafeBufferPointer { xp in
            y.scalars.withUnsafeMutableBufferPointer { yp in
                Parallel.forEachRange(rows, minimumChunk: 16) { range, _ in
                    for row in range {
                        let a = scale[row % channelCount], b = shift[row % channelCount]
                        let from = xp.baseAddress! + row * inner, to = yp.baseAddress! + row * inner
                        for i in 0..<inner { to[i] = from[i] * a + b }
                    }
                }
            }
        }
        return y
    }

    /// Returns dL/dx for the input of the last retaining `affine`/`forward` call, and accumulates
    /// dL/dγ and dL/dβ.
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == input.shape, "BatchNorm.backward: shape \(dy.shape) ≠ \(input.shape)")
        if usedBatchStatistics, let reducer = statisticsReducer { return reducedBackward(dy, reducer: reducer) }
        let samples = input.shape[0], channels = channelCount
        let inner = input.shape.dropFirst(2).reduce(1, *)
        let count = Float(samples * inner)
        var dx = Tensor(uninitializedShape: input.shape)
        var weightGradient = [Float](repeating: 0, count: channels)
        var biasGradient = [Float](repeating: 0, count: channels)
        let batchStatistics = usedBatchStatistics
        dy.scalars.withUnsafeBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                dx.scalars.withUnsafeMutableBufferPointer { dxp in
                    weightGradient.withUnsafeMutableBufferPointer { wg in
                        biasGradient.withUnsafeMutableBufferPointer { bg in
                            Parallel.forEach(channels) { c, _ in
                                let m = mean[c], k = inverseStd[c]
                                var sumDy = 0.0, sumDyH = 0.0
                                for s in 0..<samples {
                                    let offset = (s * channels + c) * inner
                                    let g = gp.baseAddress! + offset, x = xp.baseAddress! + offset
                                    let (a, b) = VectorReduction.sumAndCenteredDot(g, x, count: inner, center: m)
                                    sumDy += Double(a)
                                    sumDyH += Double(b) * Double(k)
                                }
                                wg[c] = Float(sumDyH)
                                bg[c] = Float(sumDy)
                                let scale = weight.value[c] * k
                                let meanDy = Float(sumDy) / count, meanDyH = Float(sumDyH) / count
                                for s in 0..<samples {
                                    let offset = (s * channels + c) * inner
                                    let g = gp.baseAddress! + offset, x = xp.baseAddress! + offset
                                    let d = dxp.baseAddress! + offset
                                    if batchStatistics {
                                        for i in 0..<inner { d[i] = scale * (g[i] - meanDy - (x[i] - m) * k * meanDyH) }
                                    } else {
                                        for i in 0..<inner { d[i] = scale * g[i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<channels {
            weight.gradient[c] += weightGradient[c]
            bias.gradient[c] += biasGradient[c]
        }
        return dx
    }
}

// Synchronized batch norm: the same two-pass statistics and the same backward, with every
// per-channel sum (and the element count) summed over the processes by the reducer.
extension BatchNorm {
    /// Fills `mean`, `inverseStd` and `unbiased` with the statistics of `x` over every process;
    /// returns the element count per channel over every process.
    fileprivate static func reducedStatistics(of x: Tensor, reducer: any BatchStatisticsReducer, epsilon: Float,
                                              mean: inout [Float], inverseStd: inout [Float], unbiased: inout [Float]) -> Float {
        let samples = x.shape[0], channels = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        // Pass 1: Σx per channel, and the element count in the last slot.
        var sums = [Double](repeating: 0, count: channels + 1)
        x.scalars.withUnsafeBufferPointer { xp in
            sums.withUnsafeMutableBufferPointer { sp in
                Parallel.forEach(channels) { c, _ in
                    var sum = 0.0
                    for s in 0..<samples {
                        sum += Double(VectorReduction.sum(xp.baseAddress! + (s * channels + c) * inner, count: inner))
                    }
                    sp[c] = sum
                }
                sp[channels] = Double(samples * inner)
                reducer.sumOverReplicas(sp)
            }
        }
        let count = sums[channels]
        for c in 0..<channels { mean[c] = Float(sums[c] / count) }
        // Pass 2: Σ(x − mean)² per channel around the global mean.
        var squares = [Double](repeating: 0, count: channels)
        x.scalars.withUnsafeBufferPointer { xp in
            mean.withUnsafeBufferPointer { mp in
                squares.withUnsafeMutableBufferPointer { qp in
                    Parallel.forEach(channels) { c, _ in
                        var total = 0.0
                        for s in 0..<samples {
                            total += Double(VectorReduction.sumOfSquaredDeviations(xp.baseAddress! + (s * channels + c) * inner,
                                                                                    count: inner, from: mp[c]))
                        }
                        qp[c] = total
                    }
                    reducer.sumOverReplicas(qp)
                }
            }
        }
        for c in 0..<channels {
            inverseStd[c] = Float(1 / (squares[c] / count + Double(epsilon)).squareRoot())
            unbiased[c] = Float(count > 1 ? squares[c] / (count - 1) : squares[c] / count)
        }
        return Float(count)
    }

    /// `backward` after training-mode statistics reduced over the processes: dL/dγ and dL/dβ
    /// get this process's share (the gradients are summed over processes later), dL/dx uses
    /// Σdy and Σdy·x̂ over every process.
    fileprivate func reducedBackward(_ dy: Tensor, reducer: any BatchStatisticsReducer) -> Tensor {
        let samples = input.shape[0], channels = channelCount
        let inner = input.shape.dropFirst(2).reduce(1, *)
        var dx = Tensor(uninitializedShape: input.shape)
        // sums[c] = Σdy, sums[channels + c] = Σdy·x̂ of channel c.
        var sums = [Double](repeating: 0, count: 2 * channels)
        let mean = self.mean, inverseStd = self.inverseStd
        dy.scalars.withUnsafeBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                sums.withUnsafeMutableBufferPointer { sp in
                    Parallel.forEach(channels) { c, _ in
                        var sumDy = 0.0, sumDyH = 0.0
                        for s in 0..<samples {
                            let offset = (s * channels + c) * inner
                            let (a, b) = VectorReduction.sumAndCenteredDot(gp.baseAddress! + offset, xp.baseAddress! + offset,
                                                                           count: inner, center: mean[c])
                            sumDy += Double(a)
                            sumDyH += Double(b) * Double(inverseStd[c])
                        }
                        sp[c] = sumDy
                        sp[channels + c] = sumDyH
                    }
                }
            }
        }
        for c in 0..<channels {
            weight.gradient[c] += Float(sums[channels + c])
            bias.gradient[c] += Float(sums[c])
        }
        sums.withUnsafeMutableBufferPointer { reducer.sumOverReplicas($0) }
        let count = statisticsCount
        let scales = (0..<channels).map { weight.value[$0] * inverseStd[$0] }
        dy.scalars.withUnsafeBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                dx.scalars.withUnsafeMutableBufferPointer { dxp in
                    Parallel.forEach(channels) { c, _ in
                        let m = mean[c], k = inverseStd[c], scale = scales[c]
                        let meanDy = Float(sums[c]) / count, meanDyH = Float(sums[channels + c]) / count
                        for s in 0..<samples {
                            let offset = (s * channels + c) * inner
                            let g = gp.baseAddress! + offset, x = xp.baseAddress! + offset, d = dxp.baseAddress! + offset
                            for i in 0..<inner { d[i] = scale * (g[i] - meanDy - (x[i] - m) * k * meanDyH) }
                        }
                    }
                }
            }
        }
        return dx
    }
}
