#!/usr/bin/env bash
# `make reliability`: the long survival runs on SQLite and PostgreSQL (the quick ones are part of
# `make test`). Prints what it tried and what survived; BENCHMARKS.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk RUST_BACKTRACE=0
PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
step() { printf '\n==> %s\n' "$*"; }
drop_test_dbs() {
  command -v psql >/dev/null || return 0
  psql "$PG_URL" -Atc "select datname from pg_database where datname like 'desk_t_%'" 2>/dev/null \
    | while read -r db; do psql "$PG_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true; done
}
trap drop_test_dbs EXIT

for db in sqlite postgres; do
  step "$db: SIGKILL during 1,000 submissions; database cut off under load"
  TEST_DATABASE=$db TEST_PG_URL="$PG_URL" cargo test -q --workspace --test it -- crash:: --ignored --nocapture --test-threads 1
  step "$db: security headers, cross-origin, slow clients, SIGTERM, lock waits, outage, full disk"
  TEST_DATABASE=$db TEST_PG_URL="$PG_URL" cargo test -q --workspace --test it -- reliability:: --nocapture
  step "$db: ${FUZZ_CASES:=150} random bodies per server function and person"
  TEST_DATABASE=$db TEST_PG_URL="$PG_URL" FUZZ_CASES=$FUZZ_CASES cargo test -q --workspace --test it -- fuzz:: --nocapture
done
step "property tests over every parse() type (4096 cases each)"
PROPTEST_CASES=4096 cargo test -q --workspace --lib properties
