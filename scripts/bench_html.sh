#!/usr/bin/env bash
# kilang's HTML extractor against Mozilla Readability.js (on linkedom) on the same aeb pages, in
# the same run: both in memory, one thread, one warm-up pass, then PASSES timed passes.
#
#   scripts/bench_html.sh [--passes N] [--score] [DIR]
#
# Installs bench/readability/node_modules from the pinned package.json/package-lock.json
# (`npm ci`; only there, the main set-up never installs it), runs build/bench/html_bench and
# bench/readability/bench.mjs, and prints one key=value line per side, then the speed ratio
# kilang / readability (pages/s and MB/s, by CPU time and by wall clock) and the peak RSS of each.
# On a shared machine read the cpu figures: both sides count user + system time of the process.
# --score also scores each side's text once with ../shared/tools/score.py against the aeb gold.
# Env: BUILD_DIR (default build), AEB (default ../shared/data/aeb),
# SCORER (default ../shared/tools/score.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
BUILD_DIR="${BUILD_DIR:-build}"
AEB="${AEB:-$here/../shared/data/aeb}"
SCORER="${SCORER:-$here/../shared/tools/score.py}"
passes=3
score=0
dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --passes) passes="$2"; shift 2 ;;
    --score) score=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) dir="$1"; shift ;;
  esac
done
dir="${dir:-$AEB/html}"

bin="$BUILD_DIR/bench/html_bench"
[[ -x "$bin" ]] || { echo "[bench_html] $bin missing: run scripts/setup.sh first" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "[bench_html] node and npm are needed for the Readability side" >&2; exit 1; }

rd="bench/readability"
if [[ ! -f "$rd/node_modules/@mozilla/readability/package.json" ||
      ! -f "$rd/node_modules/linkedom/package.json" ]]; then
  echo "[bench_html] installing Readability.js + linkedom into $rd/node_modules" >&2
  (cd "$rd" && { npm ci --silent --no-audit --no-fund --ignore-scripts ||
                 npm install --silent --no-audit --no-fund --ignore-scripts; }) >&2
fi

# html_bench prints prose lines; turn them into the same key=value form as the node side.
k_out="$("$bin" "$dir" --passes "$passes")"
k_line="$(awk '
  /^HtmlExtractor::Extract:/ { pages = $2; mb = $4; wall_s = $(NF-1) }
  /^throughput \(wall\)/ { wmb = $3; wps = $5 }
  /^throughput \(cpu\)/  { cmb = $3; cps = $5; gsub(/[(]/, "", $7); cpu_s = $7 }
  /^peak RSS/ { rss = $3 }
  END { printf "kilang: pages=%s mb_per_pass=%s passes=%s wall_s=%s cpu_s=%s wall_mb_s=%s wall_pages_s=%s cpu_mb_s=%s cpu_pages_s=%s peak_rss_mb=%s\n",
               pages, mb, '"$passes"', wall_s, cpu_s, wmb, wps, cmb, cps, rss }' <<<"$k_out")"

rd_pred=""
rd_args=("$dir" --passes "$passes")
if [[ $score -eq 1 ]]; then
  rd_pred="$(mktemp /tmp/readability_pred.XXXXXX.jsonl)"
  rd_args+=(--out "$rd_pred")
fi
r_line="$(node "$rd/bench.mjs" "${rd_args[@]}")"

echo "$k_line"
echo "$r_line"
val() { grep -o "$2=[0-9.]*" <<<"$1" | head -n1 | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "nan" }'; }
echo "ratio (kilang / readability): cpu_pages_s=$(ratio "$(val "$k_line" cpu_pages_s)" "$(val "$r_line" cpu_pages_s)")x" \
     "cpu_mb_s=$(ratio "$(val "$k_line" cpu_mb_s)" "$(val "$r_line" cpu_mb_s)")x" \
     "wall_pages_s=$(ratio "$(val "$k_line" wall_pages_s)" "$(val "$r_line" wall_pages_s)")x" \
     "wall_mb_s=$(ratio "$(val "$k_line" wall_mb_s)" "$(val "$r_line" wall_mb_s)")x"
echo "peak RSS: kilang=$(val "$k_line" peak_rss_mb) MB readability=$(val "$r_line" peak_rss_mb) MB"

if [[ $score -eq 1 ]]; then
  k_pred="$(mktemp /tmp/kilang_pred.XXXXXX.jsonl)"
  trap 'rm -f "$k_pred" "$rd_pred"' EXIT
  "$BUILD_DIR/kilang" extract --format html "$dir"/*.html >"$k_pred"
  echo "quality kilang:      $(/usr/bin/python3 "$SCORER" "$k_pred" "$AEB/gold")"
  echo "quality readability: $(/usr/bin/python3 "$SCORER" "$rd_pred" "$AEB/gold")"
fi
