import STGCNTensor

/// Inverted dropout, as PyTorch's `nn.Dropout(p)`: in training each element is zeroed with
/// probability `p` and the rest are scaled by `1 / (1 − p)`; otherwise it is the identity.
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

    /// Whether `mode` drops anything.
    public func isActive(in mode: ForwardMode) -> Bool { mode == .training && probability > 0 }

    /// A fresh mask of `count` factors (0 or `1 / (1 − p)`), or nil when `mode` drops nothing.
    public func makeMask(count: Int, mode: ForwardMode) -> [Float]? {
        guard let kept = makeKeepMask(count: count, mode: mode) else { return nil }
        return Self.factors(kept, probability: probability)
    }

    /// A fresh mask of `count` bytes (1 = kept, 0 = dropped), a quarter of the memory of the
    /// factors; nil when `mode` drops nothing.
    ///
    /// The mask is drawn in fixed chunks of `chunkSize` entries, each from its own generator seeded
    /// by this layer's generator, so it is the same whatever the number of worker threads.
    public func makeKeepMask(count: Int, mode: ForwardMode) -> [UInt8]? {
        guard isActive(in: mode) else { return nil }
        let keep = 1 - probability
        let chunkSize = Self.chunkSize
        let chunks = (count + chunkSize - 1) / chunkSize
        let seeds = (0..<chunks).map { _ in generator.next() }
        return [UInt8](unsafeUninitializedCapacity: count) { mask, initialized in
            let base = mask.baseAddress!
            Parallel.forEach(chunks) { chunk, _ in
                var local = SeededGenerator(seed: seeds[chunk])
                for i in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) {
                    base[i] = local.nextUniform() < keep ? 1 : 0
                }
            }
            initialized = count
        }
    }

    /// Entries per independently seeded piece of a mask.
    public static let chunkSize = 1 << 16

    /// The factors (0 or `1 / (1 − p)`) of a keep mask.
    static func factors(_ kept: [UInt8], probability: Float) -> [Float] {
        let scale = 1 / (1 - probability)
        return kept.map { $0 == 0 ? 0 : scale }
    }

    /// Applies dropout to `x` (keeping the mask for `backward`).
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        guard let mask = makeMask(count: x.count, mode: mode) else {
            self.mask = []
            return x
        }
        self.mask = mask
        var y = x
        multiplyInPlace(&y.scalars, by: mask)
        return y
    }

    /// Passes the gradient through the mask of the last `forward`.
    public func backward(_ dy: Tensor) -> Tensor {
        guard !mask.isEmpty else { return dy }
        var dx = dy
        multiplyInPlace(&dx.scalars, by: mask)
        return dx
    }
}

/// `x *= m` elementwise.
func multiplyInPlace(_ x: inout [Float], by m: [Float]) {
    precondition(x.count == m.count)
    x.withUnsafeMutableBufferPointer { xp in
        m.withUnsafeBufferPointer { mp in
            for i in 0..<xp.count { xp[i] *= mp[i] }
        }
    }
}
