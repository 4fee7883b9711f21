import XCTest
@testable import STGCNTensor

/// The SIMD loops of `VectorArithmetic` and `VectorReduction` against plain scalar loops, on
/// lengths that exercise the vector body, the scalar tail and both, with zeros, negatives and NaN.
final class VectorKernelTests: XCTestCase {
    private let lengths = [0, 1, 7, 8, 9, 31, 32, 33, 70]

    private func values(_ count: Int, seed: UInt64, withSpecials: Bool = true) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var result = (0..<count).map { _ in generator.nextUniform() * 4 - 2 }
        if withSpecials && count > 5 {
            result[1] = 0
            result[3] = .nan
            result[count - 1] = -0.0
        }
        return result
    }

    /// Equal bit patterns (NaN included), element by element.
    private func assertIdentical(_ a: [Float], _ b: [Float], _ message: String, line: UInt = #line) {
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), message, line: line)
    }

    func testElementwiseKernelsMatchScalarLoops() {
        for n in lengths {
            let x = values(n, seed: 1), mask = values(n, seed: 2), residual = values(n, seed: 3, withSpecials: false)
            let keep = (0..<n).map { UInt8($0 % 3 == 0 ? 0 : 1) }
            var y = values(n, seed: 4, withSpecials: false)

            var added = y
            VectorArithmetic.add(x, into: &added, count: n)
            assertIdentical(added, zip(y, x).map { $0 + $1 }, "add, n = \(n)")

            var kept = y
            VectorArithmetic.keepWherePositive(&kept, mask: mask, count: n)
            assertIdentical(kept, zip(y, mask).map { $1 > 0 ? $0 : 0 }, "keepWherePositive, n = \(n)")

            VectorArithmetic.selectWherePositive(x, mask: mask, into: &y, count: n)
            assertIdentical(y, zip(x, mask).map { $1 > 0 ? $0 : 0 }, "selectWherePositive, n = \(n)")

            VectorArithmetic.scaleWhereKept(x, keep: keep, scale: 2.5, into: &y, count: n)
            assertIdentical(y, zip(x, keep).map { $1 == 0 ? 0 : $0 * 2.5 }, "scaleWhereKept, n = \(n)")

            for withResidual in [false, true] {
                let (a, b, k, ra, rb): (Float, Float, Float, Float, Float) = (0.7, -0.1, 2, 1.3, 0.2)
                var fused = [Float](repeating: 9, count: n)
                residual.withUnsafeBufferPointer { rp in
                    VectorArithmetic.dropoutAffineRectify(
                        x, keep: keep, scale: a, shift: b, keepScale: k,
                        residual: withResidual ? rp.baseAddress : nil, residualScale: ra, residualShift: rb,
                        into: &fused, count: n)
                }
                let expected = (0..<n).map { i -> Float in
                    var v = keep[i] == 0 ? 0 : (x[i] * a + b) * k
                    if withResidual { v = v + (residual[i] * ra + rb) }
                    return v > 0 ? v : 0
                }
                assertIdentical(fused, expected, "dropoutAffineRectify, n = \(n), residual \(withResidual)")
            }
        }
    }

    func testReductionsMatchDoublePrecisionSums() {
        for n in lengths + [5_400] {
            let x = values(n, seed: 5, withSpecials: false), g = values(n, seed: 6, withSpecials: false)
            let center: Float = 0.3
            let sum = x.reduce(0.0) { $0 + Double($1) }
            let squares = x.reduce(0.0) { $0 + Double($1 - center) * Double($1 - center) }
            let dot = zip(g, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1 - center) }
            let gSum = g.reduce(0.0) { $0 + Double($1) }
            let tolerance = 1e-5 * Double(max(n, 1))
            XCTAssertEqual(Double(VectorReduction.sum(x, count: n)), sum, accuracy: tolerance, "sum, n = \(n)")
            XCTAssertEqual(Double(VectorReduction.sumOfSquaredDeviations(x, count: n, from: center)), squares,
                           accuracy: tolerance, "squares, n = \(n)")
            let both = VectorReduction.sumAndCenteredDot(g, x, count: n, center: center)
            XCTAssertEqual(Double(both.sum), gSum, accuracy: tolerance, "sumAndCenteredDot.sum, n = \(n)")
            XCTAssertEqual(Double(both.dot), dot, accuracy: tolerance, "sumAndCenteredDot.dot, n = \(n)")
        }
        XCTAssertTrue(VectorReduction.sum([1, .nan, 2], count: 3).isNaN, "NaN propagates")
    }

    func testGemvAccumulatesColumnSums() {
        // y += Aᵀ·1 (column sums of a 3 × 4 matrix with row stride 5) and y = A·x.
        let a: [Float] = [1, 2, 3, 4, -9, 5, 6, 7, 8, -9, 9, 10, 11, 12, -9]
        var y: [Float] = [100, 0, 0, 0]
        BLAS.gemv(transposeA: true, m: 3, n: 4, a: a, lda: 5, x: [1, 1, 1], beta: 1, y: &y)
        XCTAssertEqual(y, [115, 18, 21, 24])
        var z: [Float] = [7, 7, 7]
        BLAS.gemv(m: 3, n: 4, a: a, lda: 5, x: [1, 0, 0, 2], beta: 0, y: &z)
        XCTAssertEqual(z, [9, 21, 33])
    }
}
