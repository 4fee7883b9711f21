#ifndef STGCN_ONEDNN_GEMM_H
#define STGCN_ONEDNN_GEMM_H
// Internal to CBLASLoader: the oneDNN side of stgcn_sgemm.

/// Runs the GEMM with oneDNN and returns 1 when it is routed there (row-major, B not
/// transposed, oneDNN loaded and routing on, and oneDNN accepted the call); 0 otherwise.
int stgcn_onednn_sgemm_if_routed(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// The thread count oneDNN's GEMMs use from now on (each calling thread applies it to its own
/// OpenMP setting before its next GEMM).
void stgcn_onednn_set_thread_count(int count);

#endif
