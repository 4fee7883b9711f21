#include "stgcn_cpu_features.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

stgcn_cpu_features stgcn_cpu_features_read(void) {
    stgcn_cpu_features f;
    memset(&f, 0, sizeof f);
    f.is_x86 = 1;
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return f;
    unsigned max_leaf = eax;
    memcpy(f.vendor + 0, &ebx, 4);
    memcpy(f.vendor + 4, &edx, 4);
    memcpy(f.vendor + 8, &ecx, 4);
    f.vendor[12] = 0;

    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    unsigned family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
    if (family == 0xf) family += (eax >> 20) & 0xff;
    if (family == 0x6 || family >= 0xf) model += ((eax >> 16) & 0xf) << 4;
    f.family = family;
    f.model = model;
    f.sse3 = (ecx >> 0) & 1;
    f.ssse3 = (ecx >> 9) & 1;
    f.fma = (ecx >> 12) & 1;
    f.sse4_1 = (ecx >> 19) & 1;
    f.sse4_2 = (ecx >> 20) & 1;
    int osxsave = (ecx >> 27) & 1;
    f.avx = (ecx >> 28) & 1;
    if (osxsave) {
        unsigned long long xcr0 = read_xcr0();
        f.os_saves_ymm = (xcr0 & 0x6) == 0x6;
        f.os_saves_zmm = f.os_saves_ymm && (xcr0 & 0xe0) == 0xe0;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        unsigned max_subleaf = eax;
        f.avx2 = (ebx >> 5) & 1;
        f.avx512f = (ebx >> 16) & 1;
        f.avx512dq = (ebx >> 17) & 1;
        f.avx512cd = (ebx >> 28) & 1;
        f.avx512bw = (ebx >> 30) & 1;
        f.avx512vl = (ebx >> 31) & 1;
        f.amx_bf16 = (edx >> 22) & 1;
        f.avx512_fp16 = (edx >> 23) & 1;
        if (max_subleaf >= 1) {
            __cpuid_count(7, 1, eax, ebx, ecx, edx);
            f.avx512_bf16 = (eax >> 5) & 1;
        }
    }
    return f;
}
#else
stgcn_cpu_features stgcn_cpu_features_read(void) {
    stgcn_cpu_features f;
    memset(&f, 0, sizeof f);
    return f;
}
#endif
