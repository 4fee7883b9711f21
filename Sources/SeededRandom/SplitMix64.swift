/// SplitMix64 (Steele, Lea and Flood, 2014): the package's one seed mixer.
///
/// Everything that turns a seed and a position into random bits goes through it: the state of
/// `SeededGenerator`, the per-(seed, epoch, batch) streams of a training run, the synthetic
/// actions' per-clip streams. Its output for a given seed never changes, so runs, resumes and
/// generated datasets stay reproducible across versions.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The Weyl increment (2⁶⁴ / φ).
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    /// The stream that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// A stream for one item, mixed from several keys in order (each key goes through one
    /// SplitMix64 step from the previous result).
    public init(keys: UInt64...) {
        var mixed: UInt64 = 0x51_7CC1_B727_220A
        for key in keys { mixed = Self.finalize((mixed ^ key) &+ Self.increment) }
        state = mixed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.finalize(state)
    }

    /// The output function: a bijective avalanche of `value`'s bits.
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
