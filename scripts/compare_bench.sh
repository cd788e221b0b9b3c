#!/usr/bin/env bash
# Before/after comparison of a bench on a shared (noisy) machine: runs the bench of two build
# trees in turns, ROUNDS times, and prints per row the best (lowest) ns/byte of each.
#
#   scripts/compare_bench.sh OLD_BUILD_DIR NEW_BUILD_DIR [BENCH] [ARGS...]
#   e.g. scripts/compare_bench.sh /tmp/kilang-before/build build filters_bench 6
#
# env: ROUNDS (default 3). Rows are matched by their name (the text before "first"); the bench
# must print "(... ns/byte" on each row, as filters_bench does.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
old="$1" new="$2"
bench="${3:-filters_bench}"
shift $(($# < 3 ? $# : 3))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(6)
rounds="${ROUNDS:-3}"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
for b in "$old" "$new"; do
  [ -x "$b/bench/$bench" ] || { echo "no $b/bench/$bench (build it first)" >&2; exit 1; }
done
for ((r = 0; r < rounds; ++r)); do
  "$old/bench/$bench" "${args[@]}" 2>/dev/null | grep "ns/byte" | sed 's/^/old|/' >>"$raw"
  "$new/bench/$bench" "${args[@]}" 2>/dev/null | grep "ns/byte" | sed 's/^/new|/' >>"$raw"
done
/usr/bin/env python3 - "$raw" <<'PY'
import collections, re, sys
best, order = {}, []
for line in open(sys.argv[1]):
    side, rest = line.split("|", 1)
    name = rest.split(" first ")[0].strip()
    m = re.search(r"\(\s*([\d.]+) ns/byte", rest)
    if not m:
        continue
    if name not in order:
        order.append(name)
    v = float(m.group(1))
    best[(name, side)] = min(best.get((name, side), v), v)
cell = lambda v, f: f(v) if v else "-"
print(f"{'row':32} {'old ns/B':>9} {'new ns/B':>9} {'old MB/s':>9} {'new MB/s':>9}")
for n in order:
    o, w = best.get((n, "old")), best.get((n, "new"))
    print(f"{n:32} {cell(o, lambda x: f'{x:.2f}'):>9} {cell(w, lambda x: f'{x:.2f}'):>9} "
          f"{cell(o, lambda x: f'{1000 / x:.1f}'):>9} {cell(w, lambda x: f'{1000 / x:.1f}'):>9}")
PY
