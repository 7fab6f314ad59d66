#!/usr/bin/env bash
# Builds the app, serves it on a fresh SQLite database and runs the Playwright suite.
# Release build by default: it is what `make run` serves (and the only build where a broken
# wasm-opt shows), and on 2 cores it builds faster than the debug WASM bundle (measured: release
# front 4 min, debug front 13 min). E2E_PROFILE=debug uses the debug build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"

# shellcheck source=browser-deps.sh
source scripts/browser-deps.sh

profile=${E2E_PROFILE:-release}
# The server's release profile links the whole program in one unit (LTO) for `make run` and
# `make bench`: 11.5 minutes of a 2-core CI run. The browser tests need the same code, not its
# last 15% of speed, so with E2E_QUICK_SERVER=1 (the default when CI=true) the server is built
# without it. The WASM keeps its own profile (wasm-release) either way.
if [ "${E2E_QUICK_SERVER:-${CI:-false}}" = 1 ] || [ "${E2E_QUICK_SERVER:-${CI:-false}}" = true ]; then
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
fi
if [ "$profile" = release ]; then cargo leptos build --release --split --precompress; else cargo leptos build --split; fi

# wasm-split falls back to putting all constant data (every page's strings, both languages) into
# the first page's module when its new layout runs long (app/src/lib.rs, SPLIT_LAYOUT_SLACK). A
# heading only the admin pages show must stay out of it.
for wasm in target/site/pkg/desk*.wasm; do
  if grep -q "Desk settings" "$wasm"; then
    echo "$wasm carries the admin pages' strings: wasm-split's data layout fell back to main" >&2
    exit 1
  fi
done

# The email flow reads what the app sent from maildev, and answers it by SMTP.
if ! curl -fs "http://127.0.0.1:${TEST_MAIL_API_PORT:-1080}/email" >/dev/null 2>&1; then
  scripts/mail-server.sh start
  trap 'scripts/mail-server.sh stop' EXIT
fi
# Members sign in through a real OpenID Provider (member-sign-in.spec.ts).
if ! curl -fs "http://127.0.0.1:${TEST_OIDC_PORT:-4455}/.well-known/openid-configuration" >/dev/null 2>&1; then
  scripts/oidc-server.sh start
  eval "set -- $(trap -p EXIT)"
  trap "scripts/oidc-server.sh stop; ${3:-}" EXIT
fi
SERVE_MAIL=1 SERVE_OIDC=1 SERVE_INBOUND_PORT=${E2E_INBOUND_PORT:-2525}
SERVE_PORT=${E2E_PORT:-3100} SERVE_PROFILE=$profile
# shellcheck source=serve-build.sh
source scripts/serve-build.sh
(cd end2end && BASE_URL="http://127.0.0.1:$port" INBOUND_PORT="$SERVE_INBOUND_PORT" \
  MAIL_API="http://127.0.0.1:${TEST_MAIL_API_PORT:-1080}" npx playwright test)

# The same release build as two instances behind a balancer, one killed mid-chat (PostgreSQL).
if timeout 2 bash -c '</dev/tcp/127.0.0.1/5432' 2>/dev/null; then
  scripts/failover.sh
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432 and CI=true: failing." >&2
  exit 1
else
  echo "!! PostgreSQL not reachable at 127.0.0.1:5432: the browser fail-over test was SKIPPED !!"
fi
