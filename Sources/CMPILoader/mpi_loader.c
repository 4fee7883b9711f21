#include "stgcn_mpi_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// Open MPI's handles are pointers to its predefined objects; the C API is called through
// these opaque pointer types only, so no MPI header is needed to build.
typedef void *handle;
typedef int (*init_thread_fn)(int *, char ***, int, int *);
typedef int (*comm_int_fn)(handle, int *);
typedef int (*allreduce_fn)(const void *, void *, int, handle, handle, handle);
typedef int (*bcast_fn)(void *, int, handle, int, handle);
typedef int (*comm_fn)(handle);
typedef int (*abort_fn)(handle, int);
typedef int (*void_fn)(void);
typedef double (*wtime_fn)(void);
typedef int (*error_string_fn)(int, char *, int *);

enum { OMPI_THREAD_SERIALIZED = 2, OMPI_MAX_ERROR_STRING = 256 };
#define OMPI_IN_PLACE ((void *)1)

static struct {
    init_thread_fn init_thread;
    comm_int_fn comm_rank, comm_size;
    allreduce_fn allreduce;
    bcast_fn bcast;
    comm_fn barrier;
    abort_fn abort_job;
    void_fn finalize;
    wtime_fn wtime;
    error_string_fn error_string;
    handle comm_world;
    handle types[3];
    handle ops[3];
} entry;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_attempted = 0;
static stgcn_mpi_load_result load_result;

static void *symbol(void *library, const char *name, int *missing, char *first_missing, size_t size) {
    void *address = dlsym(library, name);
    if (address == NULL && !*missing) {
        *missing = 1;
        snprintf(first_missing, size, "%s", name);
    }
    return address;
}

stgcn_mpi_load_result stgcn_mpi_load(const char *library) {
    pthread_mutex_lock(&load_lock);
    if (!load_attempted) {
        load_attempted = 1;
        memset(&load_result, 0, sizeof load_result);
        const char *candidates[] = {library, "libmpi.so.40", "libmpi.so"};
        void *opened = NULL;
        char errors[400] = "";
        for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && opened == NULL; i++) {
            if (candidates[i] == NULL || (i > 0 && library != NULL)) continue;
            opened = dlopen(candidates[i], RTLD_NOW | RTLD_GLOBAL);
            if (opened != NULL) {
                snprintf(load_result.detail, sizeof load_result.detail, "%s", candidates[i]);
            } else {
                const char *error = dlerror();
                size_t used = strlen(errors);
                snprintf(errors + used, sizeof errors - used, "%s%s", used ? "; " : "", error ? error : candidates[i]);
            }
        }
        if (opened == NULL) {
            snprintf(load_result.detail, sizeof load_result.detail, "%s", errors);
        } else {
            int missing = 0;
            char name[128] = "";
            entry.init_thread = (init_thread_fn)symbol(opened, "MPI_Init_thread", &missing, name, sizeof name);
            entry.comm_rank = (comm_int_fn)symbol(opened, "MPI_Comm_rank", &missing, name, sizeof name);
            entry.comm_size = (comm_int_fn)symbol(opened, "MPI_Comm_size", &missing, name, sizeof name);
            entry.allreduce = (allreduce_fn)symbol(opened, "MPI_Allreduce", &missing, name, sizeof name);
            entry.bcast = (bcast_fn)symbol(opened, "MPI_Bcast", &missing, name, sizeof name);
            entry.barrier = (comm_fn)symbol(opened, "MPI_Barrier", &missing, name, sizeof name);
            entry.abort_job = (abort_fn)symbol(opened, "MPI_Abort", &missing, name, sizeof name);
            entry.finalize = (void_fn)symbol(opened, "MPI_Finalize", &missing, name, sizeof name);
            entry.wtime = (wtime_fn)symbol(opened, "MPI_Wtime", &missing, name, sizeof name);
            entry.error_string = (error_string_fn)symbol(opened, "MPI_Error_string", &missing, name, sizeof name);
            // Open MPI's predefined handles: the addresses of these exported objects.
            entry.comm_world = symbol(opened, "ompi_mpi_comm_world", &missing, name, sizeof name);
            entry.types[STGCN_MPI_FLOAT] = symbol(opened, "ompi_mpi_float", &missing, name, sizeof name);
            entry.types[STGCN_MPI_DOUBLE] = symbol(opened, "ompi_mpi_double", &missing, name, sizeof name);
            entry.types[STGCN_MPI_BYTE] = symbol(opened, "ompi_mpi_byte", &missing, name, sizeof name);
            entry.ops[STGCN_MPI_SUM] = symbol(opened, "ompi_mpi_op_sum", &missing, name, sizeof name);
            entry.ops[STGCN_MPI_MAX] = symbol(opened, "ompi_mpi_op_max", &missing, name, sizeof name);
            entry.ops[STGCN_MPI_MIN] = symbol(opened, "ompi_mpi_op_min", &missing, name, sizeof name);
            if (missing) {
                char opened_name[256];
                snprintf(opened_name, sizeof opened_name, "%s", load_result.detail);
                snprintf(load_result.detail, sizeof load_result.detail,
                         "%s has no symbol %s (Open MPI 4 or newer is required; other MPI libraries are not supported)",
                         opened_name, name);
            } else {
                load_result.loaded = 1;
            }
        }
    }
    stgcn_mpi_load_result result = load_result;
    pthread_mutex_unlock(&load_lock);
    return result;
}

int stgcn_mpi_init(void) {
    int provided = 0;
    return entry.init_thread(NULL, NULL, OMPI_THREAD_SERIALIZED, &provided);
}

int stgcn_mpi_rank(int *rank) { return entry.comm_rank(entry.comm_world, rank); }
int stgcn_mpi_size(int *size) { return entry.comm_size(entry.comm_world, size); }

int stgcn_mpi_allreduce_in_place(void *buffer, int count, stgcn_mpi_type type, stgcn_mpi_op op) {
    return entry.allreduce(OMPI_IN_PLACE, buffer, count, entry.types[type], entry.ops[op], entry.comm_world);
}

int stgcn_mpi_broadcast(void *buffer, int count, stgcn_mpi_type type, int root) {
    return entry.bcast(buffer, count, entry.types[type], root, entry.comm_world);
}

int stgcn_mpi_barrier(void) { return entry.barrier(entry.comm_world); }
int stgcn_mpi_abort(int code) { return entry.abort_job(entry.comm_world, code); }
int stgcn_mpi_finalize(void) { return entry.finalize(); }
double stgcn_mpi_wtime(void) { return entry.wtime(); }

void stgcn_mpi_error_string(int code, char *text, size_t size) {
    char buffer[OMPI_MAX_ERROR_STRING + 1] = "";
    int length = 0;
    if (size == 0) return;
    if (entry.error_string == NULL || entry.error_string(code, buffer, &length) != 0) {
        snprintf(text, size, "MPI error %d", code);
    } else {
        snprintf(text, size, "%s", buffer);
    }
}
