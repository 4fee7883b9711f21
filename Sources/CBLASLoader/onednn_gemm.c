// oneDNN's SGEMM, loaded at run time (dlopen) beside OpenBLAS. Nothing links against oneDNN:
// without libdnnl.so.2 every GEMM runs in OpenBLAS.
//
// oneDNN (Debian's build) parallelizes with OpenMP. swift-stgcn runs its own workers and gives
// each GEMM a thread count (1 inside a worker, all cores for a lone large GEMM), like OpenBLAS's
// openblas_set_num_threads. OpenMP's thread count is a per-thread setting, so each calling
// thread applies the current count to itself before its next GEMM when it has changed.

#include "stgcn_blas_loader.h"
#include "onednn_gemm.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

typedef int (*dnnl_sgemm_fn)(char transa, char transb, long m, long n, long k, float alpha, const float *a,
                             long lda, const float *b, long ldb, float beta, float *c, long ldc);
typedef void (*omp_set_num_threads_fn)(int);
typedef struct { int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime; } dnnl_version_layout;
typedef const dnnl_version_layout *(*dnnl_version_fn)(void);
typedef int (*dnnl_isa_fn)(void);

static dnnl_sgemm_fn onednn_sgemm;
static omp_set_num_threads_fn onednn_set_omp_threads;
static atomic_int routed = 0;
static atomic_int thread_count = 1;
static _Thread_local int applied_thread_count = -1;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_attempted = 0;
static stgcn_onednn_load_result load_result;

stgcn_onednn_load_result stgcn_onednn_load(const char *library) {
    pthread_mutex_lock(&load_lock);
    if (!load_attempted) {
        load_attempted = 1;
        memset(&load_result, 0, sizeof load_result);
        const char *name = library != NULL ? library : "libdnnl.so.2";
        void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char *error = dlerror();
            snprintf(load_result.detail, sizeof load_result.detail, "%s", error != NULL ? error : name);
        } else {
            dnnl_sgemm_fn sgemm = (dnnl_sgemm_fn)dlsym(handle, "dnnl_sgemm");
            // The OpenMP runtime oneDNN was built with is among its dependencies.
            omp_set_num_threads_fn set_threads = (omp_set_num_threads_fn)dlsym(handle, "omp_set_num_threads");
            dnnl_version_fn version = (dnnl_version_fn)dlsym(handle, "dnnl_version");
            dnnl_isa_fn isa = (dnnl_isa_fn)dlsym(handle, "dnnl_get_effective_cpu_isa");
            if (sgemm == NULL || set_threads == NULL || version == NULL || isa == NULL) {
                snprintf(load_result.detail, sizeof load_result.detail,
                         "%s has no dnnl_sgemm, dnnl_version, dnnl_get_effective_cpu_isa or omp_set_num_threads "
                         "(only oneDNN 2.x built with OpenMP is supported)", name);
                dlclose(handle);
            } else {
                const dnnl_version_layout *v = version();
                load_result.version_major = v->major;
                load_result.version_minor = v->minor;
                load_result.version_patch = v->patch;
                load_result.effective_isa = isa();
                snprintf(load_result.detail, sizeof load_result.detail, "%s", name);
                onednn_sgemm = sgemm;
                onednn_set_omp_threads = set_threads;
                load_result.loaded = v->major >= 2;
                if (!load_result.loaded) {
                    snprintf(load_result.detail, sizeof load_result.detail, "%s is oneDNN %d.%d; 2.x or newer is needed",
                             name, v->major, v->minor);
                }
            }
        }
    }
    stgcn_onednn_load_result result = load_result;
    pthread_mutex_unlock(&load_lock);
    return result;
}

void stgcn_onednn_route_gemm(int enabled) {
    pthread_mutex_lock(&load_lock);
    atomic_store(&routed, enabled && load_result.loaded);
    pthread_mutex_unlock(&load_lock);
}

int stgcn_onednn_is_routed(void) { return atomic_load(&routed); }

void stgcn_onednn_set_thread_count(int count) { atomic_store(&thread_count, count > 0 ? count : 1); }

int stgcn_onednn_sgemm_if_routed(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (!atomic_load_explicit(&routed, memory_order_relaxed) || order != STGCN_CBLAS_ROW_MAJOR ||
        trans_b != STGCN_CBLAS_NO_TRANS) {
        return 0;
    }
    int wanted = atomic_load_explicit(&thread_count, memory_order_relaxed);
    if (applied_thread_count != wanted) {
        onednn_set_omp_threads(wanted);
        applied_thread_count = wanted;
    }
    // dnnl_sgemm is row-major like CBLAS with CblasRowMajor; it returns dnnl_success (0) or an
    // error for arguments it rejects, in which case OpenBLAS runs the GEMM instead.
    return onednn_sgemm(trans_a == STGCN_CBLAS_TRANS ? 'T' : 'N', 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0;
}
