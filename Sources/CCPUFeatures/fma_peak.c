#include "stgcn_cpu_features.h"

// Each loop keeps ACC independent accumulators in registers, x <- x * a + b with 0 < a < 1, so
// values converge (no overflow, no subnormals) and every multiply-add is real work. ACC is chosen
// above latency × issue width of current cores (4 cycles × 2 ports = 8), so the loop is
// throughput-bound.

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#define ACC 12

__attribute__((target("avx512f"))) static float loop_avx512(long iterations) {
    __m512 acc[ACC];
    const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
        for (int i = 0; i < ACC; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < ACC; i++) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) static float loop_avx2(long iterations) {
    __m256 acc[ACC];
    const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
        for (int i = 0; i < ACC; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < ACC; i++) sum = _mm256_add_ps(sum, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    float total = 0;
    for (int i = 0; i < 8; i++) total += lanes[i];
    return total;
}

static float loop_sse(long iterations) {
    __m128 acc[ACC];
    const __m128 a = _mm_set1_ps(0.999f), b = _mm_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
        for (int i = 0; i < ACC; i++) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], a), b);
    }
    __m128 sum = acc[0];
    for (int i = 1; i < ACC; i++) sum = _mm_add_ps(sum, acc[i]);
    float lanes[4];
    _mm_storeu_ps(lanes, sum);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

int stgcn_fma_isa_available(stgcn_fma_isa isa) {
    stgcn_cpu_features f = stgcn_cpu_features_read();
    switch (isa) {
    case STGCN_FMA_SCALAR_SSE: return 1;
    case STGCN_FMA_AVX2: return f.avx2 && f.fma && f.os_saves_ymm;
    case STGCN_FMA_AVX512: return f.avx512f && f.os_saves_zmm;
    default: return 0;
    }
}

float stgcn_fma_loop(stgcn_fma_isa isa, long iterations) {
    if (!stgcn_fma_isa_available(isa)) return -1;
    switch (isa) {
    case STGCN_FMA_AVX512: return loop_avx512(iterations);
    case STGCN_FMA_AVX2: return loop_avx2(iterations);
    case STGCN_FMA_SCALAR_SSE: return loop_sse(iterations);
    default: return -1;
    }
}

long stgcn_fma_flops_per_iteration(stgcn_fma_isa isa) {
    switch (isa) {
    case STGCN_FMA_AVX512: return ACC * 16 * 2;
    case STGCN_FMA_AVX2: return ACC * 8 * 2;
    case STGCN_FMA_SCALAR_SSE: return ACC * 4 * 2;
    default: return 0;
    }
}

#elif defined(__aarch64__)
#include <arm_neon.h>

#define ACC 16

static float loop_neon(long iterations) {
    float32x4_t acc[ACC];
    const float32x4_t a = vdupq_n_f32(0.999f), b = vdupq_n_f32(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = vdupq_n_f32((float)i);
    for (long n = 0; n < iterations; n++) {
        for (int i = 0; i < ACC; i++) acc[i] = vfmaq_f32(b, acc[i], a);
    }
    float32x4_t sum = acc[0];
    for (int i = 1; i < ACC; i++) sum = vaddq_f32(sum, acc[i]);
    return vaddvq_f32(sum);
}

int stgcn_fma_isa_available(stgcn_fma_isa isa) { return isa == STGCN_FMA_NEON; }

float stgcn_fma_loop(stgcn_fma_isa isa, long iterations) {
    return isa == STGCN_FMA_NEON ? loop_neon(iterations) : -1;
}

long stgcn_fma_flops_per_iteration(stgcn_fma_isa isa) {
    return isa == STGCN_FMA_NEON ? ACC * 4 * 2 : 0;
}

#else
int stgcn_fma_isa_available(stgcn_fma_isa isa) { (void)isa; return 0; }
float stgcn_fma_loop(stgcn_fma_isa isa, long iterations) { (void)isa; (void)iterations; return -1; }
long stgcn_fma_flops_per_iteration(stgcn_fma_isa isa) { (void)isa; return 0; }
#endif
