import XCTest
@testable import STGCNTensor

final class BLASTests: XCTestCase {
    /// Every transpose combination and leading dimension larger than the matrix, against a
    /// float64 loop, on a tiny shape and on shapes large enough for the libraries' blocked
    /// kernels (where oneDNN runs A·B and Aᵀ·B, both libraries are exercised).
    func testGemmMatchesNaiveProduct() {
        var generator = SeededGenerator(seed: 1)
        for (m, n, k) in [(5, 7, 3), (37, 130, 70), (64, 203, 193)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 1, ldc = n + 3
                    let a = (0..<((transposeA ? k : m) * lda)).map { _ in generator.nextUniform() - 0.5 }
                    let b = (0..<((transposeB ? n : k) * ldb)).map { _ in generator.nextUniform() - 0.5 }
                    var c = (0..<(m * ldc)).map { _ in generator.nextUniform() }
                    let original = c
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                          a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                          beta: 2, c: cp.baseAddress!, ldc: ldc)
                            }
                        }
                    }
                    var worst = 0.0
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                                let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                                sum += Double(aValue) * Double(bValue)
                            }
                            worst = max(worst, abs(Double(c[i * ldc + j]) - (0.5 * sum + 2 * Double(original[i * ldc + j]))))
                        }
                        for j in n..<ldc { XCTAssertEqual(c[i * ldc + j], original[i * ldc + j], "padding untouched") }
                    }
                    XCTAssertLessThan(worst, 1e-5 * Double(k).squareRoot(), "\(m)×\(n)×\(k) transposeA \(transposeA) transposeB \(transposeB)")
                }
            }
        }
    }

    func testEmptyInnerDimensionScalesOutput() {
        var c: [Float] = [1, 2, 3, .nan]
        let dummy: [Float] = [0]
        dummy.withUnsafeBufferPointer { p in
            c.withUnsafeMutableBufferPointer { cp in
                BLAS.gemm(m: 2, n: 2, k: 0, a: p.baseAddress!, lda: 1, b: p.baseAddress!, ldb: 2,
                          beta: 0, c: cp.baseAddress!, ldc: 2)
            }
        }
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testBackendIsReported() {
        XCTAssertFalse(BLAS.backendDescription.isEmpty)
        XCTAssertGreaterThanOrEqual(BLAS.threadCount, 1)
    }
}

final class SeededGeneratorTests: XCTestCase {
    func testSameSeedSameSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<16).map { _ in a.next() }
        XCTAssertEqual(first, (0..<16).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<16).map { _ in c.next() })
    }

    func testNormalSamplesHaveTheRequestedMoments() {
        var generator = SeededGenerator(seed: 7)
        let samples = (0..<20_000).map { _ in Double(generator.nextNormal(mean: 1, standardDeviation: 0.02)) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        XCTAssertEqual(mean, 1, accuracy: 0.001)
        XCTAssertEqual(variance.squareRoot(), 0.02, accuracy: 0.001)
        let uniform = (0..<10_000).map { _ in generator.nextUniform() }
        XCTAssertTrue(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}

final class TensorTests: XCTestCase {
    func testIndexingIsRowMajor() {
        var t = Tensor(shape: [2, 3, 4])
        t[1, 2, 3] = 5
        XCTAssertEqual(t.scalars[1 * 12 + 2 * 4 + 3], 5)
        XCTAssertEqual(t.reshaped([6, 4])[5, 3], 5)
        XCTAssertEqual(t.count, 24)
    }
}
