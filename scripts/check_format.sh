#!/usr/bin/env bash
# Fails when any C++ file differs from .clang-format (LLVM base, 4 spaces, 100 cols).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp')
if ! clang-format --dry-run --Werror $files; then
  echo "check_format: run 'clang-format -i \$(git ls-files \"*.cpp\" \"*.hpp\")'" >&2
  exit 1
fi
echo "check_format: $(echo "$files" | wc -w) files clean"
