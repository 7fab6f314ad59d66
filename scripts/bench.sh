#!/usr/bin/env bash
# `make bench`: release build, then the harness (bench/) starts the desk and its baselines on
# SQLite and PostgreSQL, loads them and prints Markdown tables (kept in target/bench.md); last,
# end2end/bench/hydration.mjs times the dashboard in chromium against the release server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk LEPTOS_SITE_ROOT=target/site RUST_LOG="${RUST_LOG:-error}"
PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
drop_bench_dbs() {
  command -v psql >/dev/null || return 0
  psql "$PG_URL" -Atc "select datname from pg_database where datname like 'desk_t_bench_%'" 2>/dev/null \
    | while read -r db; do psql "$PG_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true; done
}
trap drop_bench_dbs EXIT
# 10,000 sockets need 10,000 descriptors in the harness and as many in the server it starts.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck source=browser-deps.sh
source scripts/browser-deps.sh
cargo leptos build --release --split --precompress
# The harness serves the desk in-process, so it must be built as the shipped server is:
# `always-erase-components` makes cargo-leptos build the server with `--cfg erase_components`,
# which changes both the rendering code and the markup (a plain `cargo build` renders faster
# and sends fewer bytes than what ships).
RUSTFLAGS="--cfg erase_components" cargo build --release -p bench
target/release/bench | tee target/bench.md
# Time to first byte and to hydrated in a real browser, against the release binary.
SERVE_PORT=${BENCH_PORT:-3300}
# shellcheck source=serve-build.sh
source scripts/serve-build.sh
node end2end/bench/hydration.mjs "http://127.0.0.1:$port" | tee -a target/bench.md
