#!/usr/bin/env bash
# `make test`: format, lints, unit and integration tests on SQLite and PostgreSQL, then the
# browser suite. Installs what it needs; never downloads anything outside the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk
PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server side)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (browser side, wasm32)"
cargo clippy -p app --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit + integration tests on SQLite"
TEST_DATABASE=sqlite cargo test --workspace

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up && [ "${CI:-}" = "true" ]; then
  # CI machines run PostgreSQL as a service; start it if it stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
  sleep 2
fi
if pg_up; then
  step "integration tests on PostgreSQL"
  # Databases left behind by an interrupted earlier run.
  psql "$PG_URL" -Atc "select datname from pg_database where datname like 'desk_t_%'" \
    | while read -r db; do psql "$PG_URL" -qc "drop database if exists $db" >/dev/null || true; done
  TEST_DATABASE=postgres TEST_PG_URL="$PG_URL" cargo test -p server --tests
  psql "$PG_URL" -Atc "select datname from pg_database where datname like 'desk_t_%'" \
    | while read -r db; do psql "$PG_URL" -qc "drop database if exists $db" >/dev/null || true; done
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432 and CI=true: failing." >&2
  exit 1
else
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  printf '!! PostgreSQL not reachable at 127.0.0.1:5432: the PostgreSQL suite was SKIPPED !!\n'
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
fi

step "end2end (Playwright + Debian chromium)"
scripts/e2e.sh
