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
)

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

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" ${CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "[setup] built: $BUILD_DIR/kilang"
