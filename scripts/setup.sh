#!/usr/bin/env bash
# Checks (and, as root, installs) what swift-stgcn needs: a Swift 6 toolchain to build, and
# OpenBLAS at run time (Debian: libopenblas0). The build needs no BLAS headers: the library is
# loaded when first used, after its GEMM kernel has been chosen from the CPU's features.
# Also Open MPI (Debian: openmpi-bin libopenmpi-dev) for data-parallel training with mpirun and
# its tests. It is optional: nothing is linked against it (libmpi is opened at run time only by
# a process mpirun or srun started), so without it everything but `mpirun … stgcn train` works and
# the MPI tests skip. STGCN_SKIP_MPI=1 skips installing it.
# Also oneDNN (Debian: libdnnl2) on x86-64: on AVX-512 processors its SGEMM runs the A·B and Aᵀ·B
# GEMMs (5–19% faster than OpenBLAS's there). Optional and loaded at run time too: without it
# OpenBLAS runs every GEMM. STGCN_SKIP_ONEDNN=1 skips installing it.
# Sourced by scripts/run and scripts/test; safe to run repeatedly.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "swift-stgcn: no Swift toolchain on PATH; install Swift 6.0 or newer from swift.org" >&2
    exit 1
fi

if [[ "$(uname -s)" == "Darwin" ]]; then
    exit 0 # Accelerate provides BLAS on macOS.
fi

missing=()
if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0 '; then missing+=(libopenblas0); fi

if [[ "${STGCN_SKIP_MPI:-0}" != 1 ]]; then
    if ! command -v mpirun >/dev/null 2>&1 || ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libmpi\.so\.40 '; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            missing+=(openmpi-bin libopenmpi-dev)
        else
            echo "swift-stgcn: Open MPI not found; mpirun training and its tests need it (e.g. sudo apt-get install openmpi-bin libopenmpi-dev)" >&2
        fi
    fi
fi

if [[ "${STGCN_SKIP_ONEDNN:-0}" != 1 && "$(uname -m)" == x86_64 ]]; then
    if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libdnnl\.so\.2 '; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            missing+=(libdnnl2)
        else
            echo "swift-stgcn: oneDNN not found; on AVX-512 processors it runs the GEMMs faster (e.g. sudo apt-get install libdnnl2)" >&2
        fi
    fi
fi

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "swift-stgcn: installing ${missing[*]} with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "swift-stgcn: missing ${missing[*]}. Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
