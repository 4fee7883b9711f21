import STGCNTensor

/// Inverted dropout, as PyTorch's `nn.Dropout(p)`: in training each element is zeroed with
/// probability `p` and the rest are scaled by `1 / (1 − p)`; in evaluation it is the identity.
public final class Dropout {
    /// The probability of zeroing an element.
    public let probability: Float
    /// The source of the masks; reseed it for reproducible runs.
    public var generator: SeededGenerator

    private var mask: [Float] = []

    /// Dropout with drop probability `probability` in [0, 1).
    public init(probability: Float, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    /// Applies dropout in training mode; returns `x` unchanged otherwise.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training && probability > 0 else {
            mask = []
            return x
        }
        let keep = 1 - probability, scale = 1 / (1 - probability)
        mask = [Float](repeating: 0, count: x.count)
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { yp in
            mask.withUnsafeMutableBufferPointer { mp in
                for i in 0..<yp.count {
                    let m: Float = generator.nextUniform() < keep ? scale : 0
                    mp[i] = m
                    yp[i] *= m
                }
            }
        }
        return y
    }

    /// Passes the gradient through the mask of the last `forward`.
    public func backward(_ dy: Tensor) -> Tensor {
        guard !mask.isEmpty else { return dy }
        var dx = dy
        dx.scalars.withUnsafeMutableBufferPointer { gp in
            mask.withUnsafeBufferPointer { mp in
                for i in 0..<gp.count { gp[i] *= mp[i] }
            }
        }
        return dx
    }
}
