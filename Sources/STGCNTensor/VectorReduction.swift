/// Sums over contiguous float rows with SIMD accumulators.
///
/// A plain `for i in 0..<n { sum += p[i] }` compiles to one scalar add per element in a single
/// dependency chain (Swift never reassociates float additions), so it runs at the add latency,
/// ~4 cycles per element. These keep 4 × 8 partial sums, so the loops vectorize and run at
/// memory speed. The summation order differs from the sequential one, so results differ from it
/// in the last bits (and are usually closer to the exact sum).
public enum VectorReduction {
    private typealias Lanes = SIMD8<Float>
    private static let width = Lanes.scalarCount
    private static let block = 4 * width

    /// `Σ p[i]` for `i` in `0..<count`.
    public static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        sumWithCenteredSquares(p, count: count, center: nil).sum
    }

    /// `Σ (p[i] − center)²` for `i` in `0..<count`.
    public static func sumOfSquaredDeviations(_ p: UnsafePointer<Float>, count: Int, from center: Float) -> Float {
        sumWithCenteredSquares(p, count: count, center: center).squares
    }

    /// `(Σ g[i], Σ g[i]·(x[i] − center))` for `i` in `0..<count`: the two sums of a batch-norm backward.
    public static func sumAndCenteredDot(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                                         center: Float) -> (sum: Float, dot: Float) {
        var s0 = Lanes(), s1 = Lanes(), d0 = Lanes(), d1 = Lanes()
        let m = Lanes(repeating: center)
        var i = 0
        while i + 2 * width <= count {
            let g0 = load(g + i), g1 = load(g + i + width)
            s0 += g0
            s1 += g1
            d0 += g0 * (load(x + i) - m)
            d1 += g1 * (load(x + i + width) - m)
            i += 2 * width
        }
        var sum = (s0 + s1).sum(), dot = (d0 + d1).sum()
        while i < count {
            sum += g[i]
            dot += g[i] * (x[i] - center)
            i += 1
        }
        return (sum, dot)
    }

    private static func sumWithCenteredSquares(_ p: UnsafePointer<Float>, count: Int,
                                       center: Float?) -> (sum: Float, squares: Float) {
        var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
        var i = 0
        if let center {
            let m = Lanes(repeating: center)
            while i + block <= count {
                let v0 = load(p + i) - m, v1 = load(p + i + width) - m
                let v2 = load(p + i + 2 * width) - m, v3 = load(p + i + 3 * width) - m
                a0 += v0 * v0
                a1 += v1 * v1
                a2 += v2 * v2
                a3 += v3 * v3
                i += block
            }
            var squares = ((a0 + a1) + (a2 + a3)).sum()
            while i < count {
                let d = p[i] - center
                squares += d * d
                i += 1
            }
            return (0, squares)
        }
        while i + block <= count {
            a0 += load(p + i)
            a1 += load(p + i + width)
            a2 += load(p + i + 2 * width)
            a3 += load(p + i + 3 * width)
            i += block
        }
        var sum = ((a0 + a1) + (a2 + a3)).sum()
        while i < count {
            sum += p[i]
            i += 1
        }
        return (sum, 0)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
