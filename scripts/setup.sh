#!/usr/bin/env bash
# Checks (and, as root, installs) what swift-stgcn needs: a Swift 6 toolchain to build, and
# OpenBLAS at run time (Debian: libopenblas0). The build needs no BLAS headers: the library is
# loaded when first used, after its GEMM kernel has been chosen from the CPU's features.
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
