#!/usr/bin/env bash
# `kilang report` in a real browser (issue 19): real runs are made with the CLI, their reports
# opened in headless Chromium (tests/report/browser_test.mjs, DevTools protocol over a pipe),
# and checked: no console error or network request, the funnel's numbers equal stats.json, the
# sample browser shows a chosen reason's documents, the kept-document search filters, nothing
# overflows a phone-width screen. Screenshots at 1280x800 go to ARTEFACTS.
#
#   tests/run_report_tests.sh path/to/kilang ARTEFACTS [small|scale]
#
# small (default, ~30 s): a run over ../shared/data/warc and the AEB pages, a run with 0
#   documents, and a run whose only input is unreadable.
# scale: a 100,000-document JSONL corpus (tests/report/make_corpus.py) through the default
#   pipeline; `kilang report` must take under KILANG_REPORT_MAX_SECONDS (default 5) and write
#   under 5 MB, and the page must pass the same browser checks.
#
# Exits 77 (CTest: skipped) with a message when Chromium or Node.js is missing; `.ci/run`
# installs both (scripts/setup.sh), so in CI the test runs.
set -u
KILANG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ARTEFACTS="$2"
MODE="${3:-small}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$ROOT/../shared/data"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$CHROMIUM" ]]; then
  echo "SKIP: Chromium is not installed (Debian: apt-get install chromium; scripts/setup.sh installs it)"
  exit 77
fi
if ! command -v node >/dev/null; then
  echo "SKIP: Node.js is not installed (Debian: apt-get install nodejs)"
  exit 77
fi
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
mkdir -p "$ARTEFACTS"
fail=0
step() { echo "== $*"; }
bad() { echo "FAIL: $*"; fail=1; }

run() {  # run NAME EXPECTED_RC ARGS...: a `kilang run` into $T/NAME
  local name="$1" want="$2"; shift 2
  "$KILANG" run "$@" --output "$T/$name" --progress none >"$T/$name.out" 2>"$T/$name.err"
  local rc=$?
  [[ $rc == "$want" ]] || { bad "kilang run ($name) exited $rc, expected $want"; tail -5 "$T/$name.err"; }
}
report() {  # report NAME: `kilang report` on $T/NAME, timed
  local t0 t1
  t0=$(date +%s.%N)
  "$KILANG" report "$T/$1" >"$T/$1.report.out" 2>&1 || { bad "kilang report $1 failed"; cat "$T/$1.report.out"; }
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  bytes=$(stat -c %s "$T/$1/report.html" 2>/dev/null || echo 0)
  echo "   kilang report $1: ${secs} s, $bytes bytes"
}

if [[ "$MODE" == small ]]; then
  step "runs: WARC samples + AEB pages, 0 documents, only unreadable input"
  run small 1 --input "$SHARED/warc" "$SHARED/aeb/html" --workers 2  # one WARC is truncated: 1
  # `kilang run` writes the report and the run's facts itself; --no-report writes only the facts.
  [[ -s "$T/small/report.html" && -s "$T/small/.kilang/facts.json" ]] ||
    bad "kilang run wrote no report.html or no .kilang/facts.json"
  grep -q "report: $T/small/report.html" "$T/small.err" || bad "kilang run does not name its report"
  mkdir -p "$T/empty_in"
  run empty 0 --input "$T/empty_in" --no-report
  [[ ! -e "$T/empty/report.html" && -s "$T/empty/.kilang/facts.json" ]] ||
    bad "kilang run --no-report wrote a report, or no facts"
  mkdir -p "$T/bad_in"
  printf 'not json\n{"content": "no text key"}\n' >"$T/bad_in/bad.jsonl"
  head -c 4096 /dev/zero | tr '\0' 'x' >"$T/bad_in/junk.warc"
  run unreadable 1 --input "$T/bad_in/bad.jsonl" "$T/bad_in/junk.warc"
  for r in small empty unreadable; do report "$r"; done
  # Usage errors: a folder that is no run's output.
  "$KILANG" report "$T/empty_in" >/dev/null 2>"$T/usage.err"
  rc=$?
  [[ $rc == 2 ]] || bad "kilang report on a folder without stats.json exited $rc, expected 2"
  grep -q "no stats.json" "$T/usage.err" || bad "the usage error does not say stats.json is missing"
  step "browser checks"
  node "$ROOT/tests/report/browser_test.mjs" --chromium "$CHROMIUM" --shots "$ARTEFACTS" \
    "$T/small" "$T/empty" "$T/unreadable" || fail=1
elif [[ "$MODE" == scale ]]; then
  step "a 100,000-document corpus through the default pipeline"
  python3 "$ROOT/tests/report/make_corpus.py" --shared "$SHARED" --out "$T/corpus" --docs 100000 || bad "make_corpus.py"
  run scale100k 0 --input "$T/corpus" --workers 2
  report scale100k
  max="${KILANG_REPORT_MAX_SECONDS:-5}"
  awk -v s="$secs" -v m="$max" 'BEGIN { exit !(s < m) }' || bad "kilang report on 100,000 documents took ${secs} s (limit ${max} s)"
  [[ $bytes -lt 5000000 ]] || bad "report.html is $bytes bytes (limit 5,000,000)"
  grep -q "100000 documents read" "$T/scale100k.report.out" || bad "the report did not read 100,000 documents"
  step "browser checks"
  node "$ROOT/tests/report/browser_test.mjs" --chromium "$CHROMIUM" --shots "$ARTEFACTS" "$T/scale100k" || fail=1
else
  echo "unknown mode $MODE"; exit 2
fi
echo "screenshots: $ARTEFACTS"
[[ $fail == 0 ]] && echo "report tests passed" || echo "report tests FAILED"
exit $fail
