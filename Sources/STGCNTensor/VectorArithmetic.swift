/// Element-wise loops over raw pointers that vectorize even though the compiler cannot prove
/// the pointers distinct (with possible aliasing it emits one scalar operation per element).
/// The caller guarantees that the ranges either do not overlap or are identical.
public enum VectorArithmetic {
    private typealias Lanes = SIMD8<Float>
    private static var width: Int { Lanes.scalarCount }

    /// `y[i] += x[i]` for `i` in `0..<count`.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + width <= count {
            store(load(y + i) + load(x + i), y + i)
            i += width
        }
        while i < count {
            y[i] += x[i]
            i += 1
        }
    }

    /// `y[i] = mask[i] > 0 ? y[i] : 0` for `i` in `0..<count`: the backward pass of a ReLU whose
    /// output (or input) is `mask`.
    public static func keepWherePositive(_ y: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        selectWherePositive(y, mask: mask, into: y, count: count)
    }

    /// `y[i] = mask[i] > 0 ? x[i] : 0` for `i` in `0..<count`.
    public static func selectWherePositive(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                           into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let zero = Lanes()
        while i + width <= count {
            store(load(x + i).replacing(with: zero, where: .!(load(mask + i) .> zero)), y + i)
            i += width
        }
        while i < count {
            y[i] = mask[i] > 0 ? x[i] : 0
            i += 1
        }
    }

    /// `y[i] = keep[i] == 0 ? 0 : x[i] · scale` for `i` in `0..<count`: dropout with a keep mask.
    public static func scaleWhereKept(_ x: UnsafePointer<Float>, keep: UnsafePointer<UInt8>, scale: Float,
                                      into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let zero = Lanes(), factor = Lanes(repeating: scale)
        while i + width <= count {
            let kept = UnsafeRawPointer(keep + i).loadUnaligned(as: SIMD8<UInt8>.self)
            store((load(x + i) * factor).replacing(with: zero, where: SIMD8<Int32>(truncatingIfNeeded: kept) .== SIMD8<Int32>()), y + i)
            i += width
        }
        while i < count {
            y[i] = keep[i] == 0 ? 0 : x[i] * scale
            i += 1
        }
    }

    /// The fused output pass of a block with dropout, for one channel row: with
    /// `v = keep[i] == 0 ? 0 : (x[i]·scale + shift)·keepScale`, plus `residual[i]·residualScale +
    /// residualShift` when a residual is given, `y[i] = v > 0 ? v : 0`.
    public static func dropoutAffineRectify(
        _ x: UnsafePointer<Float>, keep: UnsafePointer<UInt8>, scale: Float, shift: Float, keepScale: Float,
        residual: UnsafePointer<Float>?, residualScale: Float, residualShift: Float,
        into y: UnsafeMutablePointer<Float>, count: Int
    ) {
        let zero = Lanes(), a = Lanes(repeating: scale), b = Lanes(repeating: shift)
        let k = Lanes(repeating: keepScale), ra = Lanes(repeating: residualScale), rb = Lanes(repeating: residualShift)
        var i = 0
        while i + width <= count {
            let kept = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(keep + i).loadUnaligned(as: SIMD8<UInt8>.self))
            var v = ((load(x + i) * a + b) * k).replacing(with: zero, where: kept .== SIMD8<Int32>())
            if let residual { v = v + (load(residual + i) * ra + rb) }
            store(v.replacing(with: zero, where: .!(v .> zero)), y + i)
            i += width
        }
        while i < count {
            var v = keep[i] == 0 ? 0 : (x[i] * scale + shift) * keepScale
            if let residual { v = v + (residual[i] * residualScale + residualShift) }
            y[i] = v > 0 ? v : 0
            i += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ value: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: Lanes.self)
    }
}
