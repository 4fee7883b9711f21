#include "stgcn_blas_loader.h"
#include "onednn_gemm.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                         float, float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*string_fn)(void);

static struct {
    sgemm_fn sgemm;
    sgemv_fn sgemv;
    set_threads_fn set_num_threads;
    get_threads_fn get_num_threads;
    string_fn get_config;
    string_fn get_corename;
} entry;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_attempted = 0;
static stgcn_blas_load_result load_result;

int stgcn_blas_is_present_in_process(void) {
    return dlsym(RTLD_DEFAULT, "openblas_get_corename") != NULL;
}

static void *open_library(const char *library, char *detail, size_t detail_size) {
    const char *candidates[] = {library, "libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    char errors[384] = "";
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        if (candidates[i] == NULL || (i > 0 && library != NULL)) continue;
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) {
            snprintf(detail, detail_size, "%s", candidates[i]);
            return handle;
        }
        const char *error = dlerror();
        size_t used = strlen(errors);
        snprintf(errors + used, sizeof errors - used, "%s%s", used ? "; " : "", error ? error : candidates[i]);
    }
    snprintf(detail, detail_size, "%s", errors);
    return NULL;
}

static int bind(void *handle) {
    entry.sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    entry.sgemv = (sgemv_fn)dlsym(handle, "cblas_sgemv");
    entry.set_num_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    entry.get_num_threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
    entry.get_config = (string_fn)dlsym(handle, "openblas_get_config");
    entry.get_corename = (string_fn)dlsym(handle, "openblas_get_corename");
    return entry.sgemm != NULL && entry.sgemv != NULL;
}

stgcn_blas_load_result stgcn_blas_load(const char *library, const char *coretype) {
    pthread_mutex_lock(&load_lock);
    if (!load_attempted) {
        load_attempted = 1;
        memset(&load_result, 0, sizeof load_result);
        load_result.was_already_loaded = stgcn_blas_is_present_in_process();

        // OPENBLAS_CORETYPE is read by OpenBLAS's constructor during dlopen: set it for that
        // call only, then put the environment back as it was.
        char *previous = NULL;
        int had_previous = 0;
        if (coretype != NULL) {
            const char *current = getenv("OPENBLAS_CORETYPE");
            if (current != NULL) { previous = strdup(current); had_previous = 1; }
            setenv("OPENBLAS_CORETYPE", coretype, 1);
        }
        void *handle = open_library(library, load_result.detail, sizeof load_result.detail);
        if (coretype != NULL) {
            if (had_previous) setenv("OPENBLAS_CORETYPE", previous, 1); else unsetenv("OPENBLAS_CORETYPE");
            free(previous);
        }
        if (handle != NULL) {
            if (bind(handle)) {
                load_result.loaded = 1;
            } else {
                snprintf(load_result.detail, sizeof load_result.detail,
                         "the library has no cblas_sgemm/cblas_sgemv entry points");
            }
        }
    }
    stgcn_blas_load_result result = load_result;
    pthread_mutex_unlock(&load_lock);
    return result;
}

void stgcn_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (stgcn_onednn_sgemm_if_routed(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;
    entry.sgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void stgcn_sgemv(int order, int trans_a, int m, int n, float alpha, const float *a, int lda,
                 const float *x, int incx, float beta, float *y, int incy) {
    entry.sgemv(order, trans_a, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

void stgcn_blas_set_num_threads(int count) {
    if (entry.set_num_threads != NULL) entry.set_num_threads(count);
    stgcn_onednn_set_thread_count(count);
}

int stgcn_blas_get_num_threads(void) {
    return entry.get_num_threads != NULL ? entry.get_num_threads() : 1;
}

const char *stgcn_blas_config(void) {
    return entry.get_config != NULL ? entry.get_config() : "";
}

const char *stgcn_blas_corename(void) {
    return entry.get_corename != NULL ? entry.get_corename() : "";
}
