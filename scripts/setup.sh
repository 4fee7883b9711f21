#!/usr/bin/env bash
# Checks (and, as root, installs) what swift-stgcn needs to build: a Swift 6 toolchain,
# pkg-config and OpenBLAS's CBLAS headers and library (Debian: libopenblas-dev).
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
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists openblas 2>/dev/null; then missing+=(libopenblas-dev); fi

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
