#!/usr/bin/env bash
# Set-up + build + every test (unit and integration) through CTest.
# Usage: scripts/test.sh            (Release build in build/)
#        STYLEDNA_BUILD_DIR=build-asan scripts/test.sh -DSTYLEDNA_SANITIZE=ON ...
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh "$@"
BUILD_DIR="${STYLEDNA_BUILD_DIR:-build}"
cd "$BUILD_DIR"
ctest --output-on-failure -j "${STYLEDNA_TEST_JOBS:-2}" ${STYLEDNA_CTEST_ARGS:-}
