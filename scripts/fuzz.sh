#!/usr/bin/env bash
# Builds kilang's libFuzzer targets (clang, ASan+UBSan) into build-fuzz/ and runs them.
#
#   scripts/fuzz.sh                        build, then run every target 60 s, one after another
#   scripts/fuzz.sh TARGET [SECONDS]       run one target (extract_html, extract_text, encoding,
#                                          date, filters) for SECONDS (default 60)
#   scripts/fuzz.sh regress                run every target once over fuzz/regressions/<target>/
#   scripts/fuzz.sh build                  build only
#
# The working corpus lives in build-fuzz/corpus/<target>/ (kept between runs, seeded by
# fuzz/make_seeds.py); crashes go to build-fuzz/artifacts/<target>/. Copy a crash you fixed into
# fuzz/regressions/<target>/. Env: JOBS (build parallelism, default 2), SKIP_APT=1,
# FUZZ_ARGS (extra libFuzzer flags). Runs one fuzzing process at a time. See docs/fuzzing.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
BUILD_DIR="${BUILD_DIR:-build-fuzz}"
JOBS="${JOBS:-2}"
TARGETS=(extract_html extract_text encoding date filters)

# clang's libFuzzer runtime is in libclang-rt-14-dev (only a Recommends of clang on Debian 12).
PKGS=(clang libclang-rt-14-dev)
need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
  if [[ -n "${SKIP_APT:-}" ]]; then
    echo "[fuzz] missing packages: ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

build() {
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKILANG_BUILD_FUZZERS=ON -DKILANG_BUILD_TESTS=OFF -DKILANG_BUILD_BENCHMARKS=OFF \
    "${launcher[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS" --target "${TARGETS[@]/%/_fuzz}"
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

run() {  # run TARGET SECONDS
  local t="$1" secs="$2"
  local corpus="$BUILD_DIR/corpus/$t" seeds="$BUILD_DIR/seeds/$t" art="$BUILD_DIR/artifacts/$t"
  mkdir -p "$corpus" "$art"
  if [[ ! -d "$BUILD_DIR/seeds" ]]; then
    /usr/bin/python3 fuzz/make_seeds.py "$BUILD_DIR/seeds"
  fi
  local extra=()
  [[ -f "fuzz/$t.dict" ]] && extra+=("-dict=fuzz/$t.dict")
  [[ -d "fuzz/regressions/$t" ]] && extra+=("fuzz/regressions/$t")
  local max_len=65536
  [[ "$t" == date ]] && max_len=512
  echo "[fuzz] $t for ${secs}s"
  set +e
  "$BUILD_DIR/fuzz/${t}_fuzz" "$corpus" "$seeds" "${extra[@]}" -max_total_time="$secs" \
    -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art/" ${FUZZ_ARGS:-} >"$BUILD_DIR/$t.log" 2>&1
  local rc=$?
  set -e
  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::|==[0-9]+==ERROR|SUMMARY|Test unit written|fuzz invariant)' \
    "$BUILD_DIR/$t.log" || true
  [[ $rc -eq 0 ]] || echo "[fuzz] $t FAILED (exit $rc): see $BUILD_DIR/$t.log and $art/"
  return $rc
}

regress() {
  local rc=0
  for t in "${TARGETS[@]}"; do
    local dir="fuzz/regressions/$t"
    [[ -d "$dir" ]] && compgen -G "$dir/*" >/dev/null || continue
    echo "[fuzz] regressions: $t"
    "$BUILD_DIR/fuzz/${t}_fuzz" -runs=1 -timeout=20 -rss_limit_mb=2048 "$dir"/* >"$BUILD_DIR/regress-$t.log" 2>&1 \
      || { echo "[fuzz] FAIL $t (see $BUILD_DIR/regress-$t.log)"; rc=1; }
  done
  return $rc
}

cmd="${1:-all}"
build
case "$cmd" in
  build) ;;
  regress) regress ;;
  all)
    rc=0
    for t in "${TARGETS[@]}"; do run "$t" "${2:-60}" || rc=1; done
    exit $rc ;;
  *)
    [[ " ${TARGETS[*]} " == *" $cmd "* ]] || { echo "unknown target '$cmd' (${TARGETS[*]})" >&2; exit 2; }
    run "$cmd" "${2:-60}" ;;
esac
