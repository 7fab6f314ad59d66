#!/usr/bin/env bash
# Installs the build/test tools the project needs, only when missing or at the wrong version.
# Everything comes from crates.io, npm or Debian: nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132.0.0
TOOLS_DIR="$PWD/.tools"

need_cmd() { command -v "$1" >/dev/null 2>&1; }

# The tools' own release profiles ask for whole-program LTO in one codegen unit, which made
# cargo-leptos alone take about 15 minutes on 2 cores. They only drive builds, so a plain
# optimised build is as good for us and much quicker to make.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  echo "==> rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "==> installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes the first time)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
if [ -f Cargo.lock ]; then
  WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if [ -n "$WB_VERSION" ] && ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
    echo "==> installing wasm-bindgen-cli $WB_VERSION"
    cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
  fi
fi

# wasm-opt from npm's binaryen (Debian's 108 breaks hydration of release builds).
if [ ! -x "$TOOLS_DIR/node_modules/binaryen/bin/wasm-opt" ]; then
  echo "==> installing binaryen $BINARYEN_VERSION (npm) for wasm-opt"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null)
fi
