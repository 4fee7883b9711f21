import STGCNModel

/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay,
/// with exactly PyTorch's `torch.optim.SGD` update:
///
///     d = g + λ·p
///     b = d                      (first step)
///     b = μ·b + (1 − τ)·d        (later steps)
///     d = d + μ·b  (Nesterov)    or  d = b
///     p = p − lr·d
public final class SGD {
    /// The learning rate of the next `step()`.
    public var learningRate: Float
    /// μ.
    public let momentum: Float
    /// τ.
    public let dampening: Float
    /// λ.
    public let weightDecay: Float
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    /// The parameters updated, with their keys.
    public let parameters: [(name: String, parameter: Parameter)]

    /// The momentum buffer of each parameter by key; empty until the first step (as in PyTorch).
    public private(set) var momentumBuffers: [String: [Float]] = [:]

    /// An optimizer over `parameters`.
    public init(parameters: [(name: String, parameter: Parameter)], learningRate: Float,
                momentum: Float = 0.9, dampening: Float = 0, weightDecay: Float = 1e-4, nesterov: Bool = true) {
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// Applies one update to every parameter from its accumulated gradient.
    public func step() {
        for (name, parameter) in parameters {
            var buffer = momentumBuffers[name] ?? []
            let isFirst = buffer.isEmpty
            if momentum != 0 && isFirst { buffer = [Float](repeating: 0, count: parameter.count) }
            parameter.value.withUnsafeMutableBufferPointer { p in
                parameter.gradient.withUnsafeBufferPointer { g in
                    buffer.withUnsafeMutableBufferPointer { b in
                        for i in 0..<p.count {
                            var d = g[i] + weightDecay * p[i]
                            if momentum != 0 {
                                b[i] = isFirst ? d : momentum * b[i] + (1 - dampening) * d
                                d = nesterov ? d + momentum * b[i] : b[i]
                            }
                            p[i] -= learningRate * d
                        }
                    }
                }
            }
            if momentum != 0 { momentumBuffers[name] = buffer }
        }
    }

    /// Replaces the momentum buffers (for resuming); keys must name parameters of this optimizer.
    public func restoreMomentumBuffers(_ buffers: [String: [Float]]) {
        momentumBuffers = buffers
    }
}

/// The official step schedule: `lr = base · factor^(number of steps ≤ epoch)`, evaluated at
/// the start of each epoch (epochs counted from 0).
public struct StepLearningRateSchedule: Sendable, Equatable {
    /// The learning rate before the first step.
    public var baseLearningRate: Float
    /// The epochs at which the rate is multiplied by `factor`.
    public var steps: [Int]
    /// The multiplier at each step (0.1 in the official recipe).
    public var factor: Float

    /// A schedule with the given base rate and step epochs.
    public init(baseLearningRate: Float, steps: [Int], factor: Float = 0.1) {
        self.baseLearningRate = baseLearningRate
        self.steps = steps
        self.factor = factor
    }

    /// The learning rate for `epoch`.
    public func learningRate(atEpoch epoch: Int) -> Float {
        let passed = steps.filter { epoch >= $0 }.count
        var rate = baseLearningRate
        for _ in 0..<passed { rate *= factor }
        return rate
    }
}
