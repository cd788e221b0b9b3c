#!/usr/bin/env bash
# End-to-end bench of `kilang run`: builds (once) a Common Crawl-shaped WARC.gz corpus from the
# HTML pages in ../shared/data/aeb/html under /tmp (never in git), then reports, for 1 and 2
# workers, end-to-end MB/s (compressed and uncompressed WARC), docs/s and peak RSS, and runs
# bench/run_bench on part of the corpus to show where the time goes.
#
#   scripts/bench_run.sh [BUILD_DIR]     env: FILES=10 MB_PER_FILE=120 CORPUS=/tmp/kilang_run_corpus
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$here/build}"
FILES="${FILES:-10}"
MB_PER_FILE="${MB_PER_FILE:-120}"
CORPUS="${CORPUS:-/tmp/kilang_run_corpus}"
OUT="${OUT:-/tmp/kilang_run_bench_out}"
if [ ! -f "$CORPUS/.done-$FILES-$MB_PER_FILE" ]; then
  rm -rf "$CORPUS"
  echo "[bench] generating $FILES x ${MB_PER_FILE} MB (uncompressed) WARC.gz in $CORPUS" >&2
  /usr/bin/python3 "$here/scripts/make_run_corpus.py" --src "$here/../shared/data/aeb/html" \
    --out "$CORPUS" --files "$FILES" --mb-per-file "$MB_PER_FILE" >"$CORPUS.list"
  touch "$CORPUS/.done-$FILES-$MB_PER_FILE"
fi
stored=$(cat "$CORPUS"/*.warc.gz | wc -c)
decoded=$(awk -F'\t' '{s+=$2} END {print s}' "$CORPUS.list")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (a busy machine makes wall-clock scaling meaningless; compare CPU seconds)"
echo "corpus: $FILES files, $(awk "BEGIN{printf \"%.1f\", $stored/1e6}") MB WARC.gz, $(awk "BEGIN{printf \"%.1f\", $decoded/1e6}") MB uncompressed WARC"
for w in 1 2; do
  rm -rf "$OUT"
  /usr/bin/time -f "%e %M %U %S" -o /tmp/kilang_run_bench.time \
    "$BUILD/kilang" run --input "$CORPUS" --output "$OUT" --workers "$w" --progress none 2>/tmp/kilang_run_bench.err
  read -r secs rss_kb usr sys </tmp/kilang_run_bench.time
  cpu=$(awk "BEGIN{print $usr+$sys}")
  docs=$(/usr/bin/python3 -c "import json; s=json.load(open('$OUT/stats.json')); print(s['read'])")
  echo "workers=$w: ${secs}s wall, $(awk "BEGIN{printf \"%.1f\", $stored/1e6/$secs}") MB/s compressed, $(awk "BEGIN{printf \"%.1f\", $decoded/1e6/$secs}") MB/s uncompressed, $(awk "BEGIN{printf \"%.0f\", $docs/$secs}") docs/s, peak RSS $((rss_kb / 1024)) MB; ${cpu} CPU s = $(awk "BEGIN{printf \"%.1f\", $decoded/1e6/$cpu}") MB/s uncompressed per CPU second"
  grep "kilang run" /tmp/kilang_run_bench.err
done
rm -rf "$OUT"
echo "--- where the time goes (1 thread, first 2 files) ---"
"$BUILD/bench/run_bench" $(ls "$CORPUS"/*.warc.gz | head -2)
