#!/usr/bin/env bash
# Builds the app, serves it on a fresh SQLite database and runs the Playwright suite.
# Release build by default: it is what `make run` serves (and the only build where a broken
# wasm-opt shows), and on 2 cores it builds faster than the debug WASM bundle (measured: release
# front 4 min, debug front 13 min). E2E_PROFILE=debug uses the debug build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"

if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
  echo "==> npm ci (end2end)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

profile=${E2E_PROFILE:-release}
if [ "$profile" = release ]; then cargo leptos build --release --precompress; else cargo leptos build; fi

data=$(mktemp -d)
port=${E2E_PORT:-3100}
LEPTOS_SITE_ROOT=target/site LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD \
  APP_LISTEN_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/desk.db" APP_ATTACHMENTS_DIR="$data/attachments" RUST_LOG=warn \
  "target/$profile/server" > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/server.log"; exit 1; }
(cd end2end && BASE_URL="http://127.0.0.1:$port" npx playwright test)
