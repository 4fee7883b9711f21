#ifndef STGCN_MPI_LOADER_H
#define STGCN_MPI_LOADER_H
// Open MPI, loaded at run time (dlopen) instead of linked, so that swift-stgcn builds and runs
// without MPI installed: the library is opened only by a process that mpirun or srun started.
// Only the few entry points data-parallel training uses are bound. Open MPI's ABI is assumed
// (libmpi.so.40; handles are the addresses of exported globals such as ompi_mpi_comm_world);
// MPICH-family libraries (integer handles) are refused with a message when loading.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The result of `stgcn_mpi_load`.
typedef struct {
    /// 1 when every entry point and handle is bound.
    int loaded;
    /// The library file that was opened, or why nothing could be (dlerror / missing symbol).
    char detail[512];
} stgcn_mpi_load_result;

/// The element types and reductions the loader supports.
typedef enum { STGCN_MPI_FLOAT = 0, STGCN_MPI_DOUBLE = 1, STGCN_MPI_BYTE = 2 } stgcn_mpi_type;
typedef enum { STGCN_MPI_SUM = 0, STGCN_MPI_MAX = 1, STGCN_MPI_MIN = 2 } stgcn_mpi_op;

/// Opens Open MPI once per process (RTLD_GLOBAL, as its plug-ins need) and binds the entry
/// points. `library` may be NULL (tries libmpi.so.40, then libmpi.so). Later calls return the
/// first call's result. Does not call MPI_Init.
stgcn_mpi_load_result stgcn_mpi_load(const char *library);

/// MPI_Init_thread(MPI_THREAD_SERIALIZED); returns the MPI error code (0 on success).
int stgcn_mpi_init(void);
/// MPI_Comm_rank / MPI_Comm_size of MPI_COMM_WORLD (error code returned, value through the pointer).
int stgcn_mpi_rank(int *rank);
int stgcn_mpi_size(int *size);
/// MPI_Allreduce(MPI_IN_PLACE, buffer, count, type, op, MPI_COMM_WORLD).
int stgcn_mpi_allreduce_in_place(void *buffer, int count, stgcn_mpi_type type, stgcn_mpi_op op);
/// MPI_Bcast(buffer, count, type, root, MPI_COMM_WORLD).
int stgcn_mpi_broadcast(void *buffer, int count, stgcn_mpi_type type, int root);
/// MPI_Barrier(MPI_COMM_WORLD).
int stgcn_mpi_barrier(void);
/// MPI_Abort(MPI_COMM_WORLD, code): ends every process of the job.
int stgcn_mpi_abort(int code);
/// MPI_Finalize.
int stgcn_mpi_finalize(void);
/// MPI_Wtime.
double stgcn_mpi_wtime(void);
/// The text of an MPI error code (MPI_Error_string), NUL-terminated in `text`.
void stgcn_mpi_error_string(int code, char *text, size_t size);

#ifdef __cplusplus
}
#endif
#endif
