#ifndef STGCN_CBLAS_SHIM_H
#define STGCN_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). On macOS the Swift code imports
// Accelerate instead and this module is not used.
#include <cblas.h>
#endif
