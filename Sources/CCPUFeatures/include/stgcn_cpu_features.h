#ifndef STGCN_CPU_FEATURES_H
#define STGCN_CPU_FEATURES_H
// What the processor can execute, read from CPUID and, for the wide vector registers, from
// XCR0 (whether the operating system saves them): the facts a kernel choice rests on.

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    /// 1 on x86-64 (where the fields below are filled), 0 elsewhere.
    int is_x86;
    /// "GenuineIntel", "AuthenticAMD", … (NUL-terminated).
    char vendor[13];
    /// Display family and model (extended fields folded in, as Intel and AMD document).
    unsigned family, model;
    int sse3, ssse3, sse4_1, sse4_2, avx, fma, avx2;
    int avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_bf16, avx512_fp16, amx_bf16;
    /// XCR0: the OS saves YMM state (bits 1–2) / opmask and ZMM state (bits 5–7).
    int os_saves_ymm, os_saves_zmm;
} stgcn_cpu_features;

/// Reads this processor's features (all zero on non-x86 machines).
stgcn_cpu_features stgcn_cpu_features_read(void);

/// Register-only multiply-add loops for measuring the FP32 peak of one core.
typedef enum {
    STGCN_FMA_SCALAR_SSE = 0,  ///< 4-lane SSE multiply then add (no FMA unit)
    STGCN_FMA_AVX2 = 1,        ///< 8-lane FMA3
    STGCN_FMA_AVX512 = 2,      ///< 16-lane AVX-512F FMA
    STGCN_FMA_NEON = 3,        ///< 4-lane NEON FMA (aarch64)
} stgcn_fma_isa;

/// 1 when `isa` can run on this machine (instructions present and enabled by the OS).
int stgcn_fma_isa_available(stgcn_fma_isa isa);

/// Runs `iterations` rounds of independent multiply-adds on registers only and returns a value
/// that depends on all of them (so the work cannot be removed). Floating-point operations done:
/// `iterations * stgcn_fma_flops_per_iteration(isa)`. Calling an unavailable ISA returns -1.
float stgcn_fma_loop(stgcn_fma_isa isa, long iterations);
long stgcn_fma_flops_per_iteration(stgcn_fma_isa isa);

#ifdef __cplusplus
}
#endif
#endif
