#!/usr/bin/env bash
# `make test`: format, lints, unit and integration tests on SQLite and PostgreSQL, then the
# browser suite. Installs what it needs; never downloads anything outside the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk
PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# Each step says how far into the run it starts, so a slow CI run shows where the time went.
step() { printf '\n==> [%ds] %s\n' "$SECONDS" "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server side)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (browser side, wasm32)"
cargo clippy -p app --lib --no-default-features --features hydrate,islands --target wasm32-unknown-unknown -- -D warnings

step "mail server for the tests (maildev)"
scripts/mail-server.sh start
trap 'scripts/mail-server.sh stop' EXIT
step "S3-compatible store for the tests (SeaweedFS)"
scripts/s3-server.sh start
trap 'scripts/mail-server.sh stop; scripts/s3-server.sh stop' EXIT
step "OpenID Provider for the tests (oidc-provider)"
scripts/oidc-server.sh start
trap 'scripts/mail-server.sh stop; scripts/s3-server.sh stop; scripts/oidc-server.sh stop' EXIT

step "unit + integration tests on SQLite"
TEST_DATABASE=sqlite cargo test --workspace

pg_up() { timeout 2 bash -c '</dev/tcp/127.0.0.1/5432' 2>/dev/null; }
drop_test_dbs() {
  command -v psql >/dev/null || return 0
  psql "$PG_URL" -Atc "select datname from pg_database where datname like 'desk_t_%'" 2>/dev/null \
    | while read -r db; do psql "$PG_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true; done
}
if ! pg_up && [ "${CI:-}" = "true" ]; then
  # CI machines run PostgreSQL as a service; start it if it stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
  sleep 2
fi
if pg_up; then
  step "integration tests on PostgreSQL"
  drop_test_dbs # left behind by an interrupted earlier run
  # --workspace like the SQLite run: the same feature set, so the same test binaries (each is
  # over 1 GB; a second set would double the disk and the build time).
  TEST_DATABASE=postgres TEST_PG_URL="$PG_URL" cargo test --workspace --tests
  drop_test_dbs
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
step "done"
