#!/usr/bin/env bash
# Configures and builds StyleDNA into build/ (Release, warnings as errors).
# Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${STYLEDNA_BUILD_DIR:-build}"
JOBS="${STYLEDNA_JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSTYLEDNA_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
