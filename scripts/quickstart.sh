#!/usr/bin/env bash
# Quick start: install dependencies, build kilang, and extract the bundled example pages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
echo "[quickstart] build/kilang extract examples/* :"
build/kilang extract --now 2024-10-22T15:00:00+07:00 examples/*.txt
echo "[quickstart] build/kilang run --input examples --output out/examples :"
rm -rf out/examples
build/kilang run --input examples --output out/examples --progress none
cat out/examples/stats.json
