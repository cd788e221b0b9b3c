#!/usr/bin/env bash
# Dedup benchmarks: MinHash signature throughput, then end-to-end runs on generated corpora.
#   scripts/dedup_bench.sh                 sig + 100k + 1M documents
#   SIZES="100000" scripts/dedup_bench.sh  choose the corpus sizes
#   BUDGET_MB=256 scripts/dedup_bench.sh   memory budget for the dedup phases
# Each run prints wall and CPU time, per-phase times, counts, work-dir size and peak RSS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$here/build/bench/dedup_bench"
[[ -x "$bin" ]] || { echo "build first: bash scripts/setup.sh" >&2; exit 1; }
echo "== signature throughput (1 thread)"
"$bin" sig --mb 64
for n in ${SIZES:-100000 1000000}; do
  echo "== end to end: $n documents"
  /usr/bin/time -f "process: user %U s, sys %S s, wall %e s, max RSS %M KB" \
    "$bin" e2e --docs "$n" --budget-mb "${BUDGET_MB:-512}" --threads "${THREADS:-2}" ${EXTRA:-}
done
