#ifndef STGCN_BLAS_LOADER_H
#define STGCN_BLAS_LOADER_H
// OpenBLAS, loaded at run time (dlopen) instead of linked, so that the GEMM kernel can be chosen
// before the library initializes: OpenBLAS reads OPENBLAS_CORETYPE once, in its constructor.
// Only the few entry points swift-stgcn uses are bound. Row-major CBLAS conventions throughout.
// oneDNN's SGEMM (libdnnl.so.2), when loaded and routed, takes the GEMMs with B untransposed.

#ifdef __cplusplus
extern "C" {
#endif

/// CBLAS enum values (identical in every CBLAS implementation).
enum { STGCN_CBLAS_ROW_MAJOR = 101, STGCN_CBLAS_NO_TRANS = 111, STGCN_CBLAS_TRANS = 112 };

/// The result of `stgcn_blas_load`.
typedef struct {
    /// 1 when the entry points are bound.
    int loaded;
    /// 1 when OpenBLAS was already in the process before this load (its kernel was chosen then).
    int was_already_loaded;
    /// The library file that was opened, or the reason nothing could be (dlerror), NUL-terminated.
    char detail[512];
} stgcn_blas_load_result;

/// Opens OpenBLAS once per process and binds its entry points. `library` may be NULL (tries
/// libopenblas.so.0, then libopenblas.so). `coretype`, when not NULL, is placed in
/// OPENBLAS_CORETYPE for the duration of the dlopen call only (the previous value, or its absence,
/// is restored afterwards). Thread-safe; later calls return the first call's result.
stgcn_blas_load_result stgcn_blas_load(const char *library, const char *coretype);

/// 1 when a library exporting `openblas_get_corename` is already loaded in the process.
int stgcn_blas_is_present_in_process(void);

/// The bound entry points (call only after a successful load).
void stgcn_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void stgcn_sgemv(int order, int trans_a, int m, int n, float alpha, const float *a, int lda,
                 const float *x, int incx, float beta, float *y, int incy);
void stgcn_blas_set_num_threads(int count);
int stgcn_blas_get_num_threads(void);
/// OpenBLAS's build configuration and the kernel ("core") it runs; "" when unknown.
const char *stgcn_blas_config(void);
const char *stgcn_blas_corename(void);

/// The result of `stgcn_onednn_load`.
typedef struct {
    /// 1 when oneDNN's `dnnl_sgemm` and its OpenMP runtime's `omp_set_num_threads` are bound.
    int loaded;
    /// oneDNN's version (0 when not loaded).
    int version_major, version_minor, version_patch;
    /// `dnnl_get_effective_cpu_isa()`: the widest instruction set oneDNN's kernels use here
    /// (a `dnnl_cpu_isa_t` bit set: 0x7 AVX2, 0x27 AVX-512 core, 0x67 + VNNI, 0xe7 + BF16, …).
    int effective_isa;
    /// The library file that was opened, or why none could be (dlerror), NUL-terminated.
    char detail[512];
} stgcn_onednn_load_result;

/// Opens oneDNN (`library`, or libdnnl.so.2 when NULL) once per process for its SGEMM, which
/// `stgcn_sgemm` uses once `stgcn_onednn_route_gemm(1)` is called. Thread-safe; later calls
/// return the first call's result.
stgcn_onednn_load_result stgcn_onednn_load(const char *library);

/// Sends the GEMMs whose B operand is not transposed (A·B and Aᵀ·B, row-major) to oneDNN when
/// `enabled` and oneDNN is loaded; A·Bᵀ and GEMV stay with OpenBLAS. Call before any GEMM runs.
void stgcn_onednn_route_gemm(int enabled);

/// 1 when GEMMs are being routed to oneDNN.
int stgcn_onednn_is_routed(void);

#ifdef __cplusplus
}
#endif
#endif
