#!/usr/bin/env bash
# Scores `kilang extract --format html` on the aeb benchmark: per-page P/R/F1 (worst first) and
# the mean F1/P/R, with the scorer of ../shared/tools/score.py.
# usage: scripts/score_html.sh [--top N]   (BUILD_DIR=build, AEB=../shared/data/aeb)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
AEB="${AEB:-../shared/data/aeb}"
BUILD_DIR="${BUILD_DIR:-build}"
pred="$(mktemp /tmp/kilang_html_pred.XXXXXX.jsonl)"
trap 'rm -f "$pred"' EXIT
"$BUILD_DIR/kilang" extract --format html "$AEB"/html/*.html > "$pred"
/usr/bin/python3 scripts/score_pages.py "$pred" "$AEB/gold" "$@"
