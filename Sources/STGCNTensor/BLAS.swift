#if canImport(Accelerate)
import Accelerate
#else
import CBLASLoader
#endif

/// The matrix-multiply primitive every layer is built on, over the platform BLAS
/// (OpenBLAS on Linux, Accelerate on macOS). All matrices are row-major.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, where `op(X)` is `X` or `Xᵀ`.
    ///
    /// - Parameters:
    ///   - m: rows of `op(A)` and `C`; `n`: columns of `op(B)` and `C`; `k`: the shared dimension.
    ///   - lda, ldb, ldc: row strides (leading dimensions) of the stored matrices.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS would only scale C; do it explicitly so beta == 0 also clears NaNs.
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        #if canImport(Accelerate)
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
        #else
        _ = BLASRuntime.required
        stgcn_sgemm(Int32(STGCN_CBLAS_ROW_MAJOR),
                    Int32(transposeA ? STGCN_CBLAS_TRANS : STGCN_CBLAS_NO_TRANS),
                    Int32(transposeB ? STGCN_CBLAS_TRANS : STGCN_CBLAS_NO_TRANS),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        #endif
    }

    /// `y = alpha · op(A) · x + beta · y`, row-major `A` (`m × n`, row stride `lda`), where `op(A)`
    /// is `A` (then `x` has `n` entries, `y` has `m`) or `Aᵀ` (`x` has `m`, `y` has `n`).
    @inlinable
    public static func gemv(
        transposeA: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        #if canImport(Accelerate)
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, 1, beta, y, 1)
        #else
        _ = BLASRuntime.required
        stgcn_sgemv(Int32(STGCN_CBLAS_ROW_MAJOR), Int32(transposeA ? STGCN_CBLAS_TRANS : STGCN_CBLAS_NO_TRANS),
                    Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
        #endif
    }

    /// Sets the number of threads the BLAS library may use (OpenBLAS only; a no-op on Accelerate).
    public static func setThreadCount(_ count: Int) {
        #if !canImport(Accelerate)
        _ = BLASRuntime.required
        stgcn_blas_set_num_threads(Int32(max(1, count)))
        #endif
    }

    /// The number of threads the BLAS library uses (1 where it cannot be asked).
    public static var threadCount: Int {
        #if canImport(Accelerate)
        return 1
        #else
        _ = BLASRuntime.required
        return Int(stgcn_blas_get_num_threads())
        #endif
    }

    /// A one-line description of the BLAS in use and of its kernel choice, e.g.
    /// `OpenBLAS 0.3.21 … (core: SkylakeX, chosen from CPU features (AVX-512 F/CD/BW/DQ/VL))`.
    public static var backendDescription: String {
        BLASRuntime.required.summary
    }
}

#if !canImport(Accelerate)
import Foundation
#endif
