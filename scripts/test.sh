#!/usr/bin/env bash
# Builds kilang (installing dependencies if needed) and runs the whole test suite:
# unit tests, quality gates on ../shared/data, and end-to-end CLI tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
BUILD_DIR="${BUILD_DIR:-build}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
