#!/usr/bin/env bash
# The deployment seen from a phone: two release server processes on one PostgreSQL database and
# one SeaweedFS bucket, a member's browser reaching them through a small load balancer
# (end2end/fixtures/balancer.mjs) and an agent's browser on instance B. The browser test
# (end2end/deployment/failover.spec.ts) kills instance A with SIGKILL mid-chat; the member's page
# must reconnect to B through the balancer with nothing lost. Needs the release build
# (`cargo leptos build --release --split`) and PostgreSQL; e2e.sh and `make instances` run it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=background.sh
source scripts/background.sh

PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v psql >/dev/null || { echo "failover.sh needs psql (the PostgreSQL client)" >&2; exit 1; }
db="desk_failover_$$"
data=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do tail --pid="$pid" -f /dev/null 2>/dev/null || true; done
  psql "$PG_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
psql "$PG_URL" -qc "create database $db" >/dev/null
database_url="${PG_URL%/*}/$db"

if ! curl -s -o /dev/null "http://127.0.0.1:${TEST_S3_PORT:-8433}/" 2>/dev/null; then
  scripts/s3-server.sh start
  trap 'cleanup; scripts/s3-server.sh stop' EXIT
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One instance: the shared database and bucket; only the first seeds the demo accounts.
start_instance() { # name port seed
  LEPTOS_SITE_ROOT=target/site LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD LEPTOS_OUTPUT_NAME=desk \
    APP_LISTEN_ADDR="127.0.0.1:$2" DATABASE_URL="$database_url" APP_DEMO="$3" \
    APP_S3_BUCKET="${TEST_S3_BUCKET:-desk-test}" APP_S3_ENDPOINT="${TEST_S3_ENDPOINT:-http://127.0.0.1:8433}" \
    APP_S3_ACCESS_KEY_ID=desk-test-key APP_S3_SECRET_ACCESS_KEY=desk-test-secret \
    APP_S3_PREFIX="failover-$$/" APP_SCHEDULER_SECS=1 RUST_LOG=warn \
    target/release/server >"$data/$1.log" 2>&1 &
  pids+=($!)
  disown # the test kills A on purpose: no "Killed" line from this shell

  wait_until 300 curl -fs -o /dev/null "http://127.0.0.1:$2/healthz" \
    || { cat "$data/$1.log" >&2; exit 1; }
}

port_a=$(free_port); port_b=$(free_port); port_lb=$(free_port)
start_instance a "$port_a" 1
pid_a=${pids[0]}
start_instance b "$port_b" 0
node end2end/fixtures/balancer.mjs "$port_lb" "127.0.0.1:$port_a" "127.0.0.1:$port_b" >"$data/balancer.log" 2>&1 &
pids+=($!)
wait_until 50 curl -fs -o /dev/null "http://127.0.0.1:$port_lb/healthz"

(cd end2end && BASE_URL="http://127.0.0.1:$port_lb" INSTANCE_B_URL="http://127.0.0.1:$port_b" \
  INSTANCE_A_PID="$pid_a" npx playwright test --config deployment/playwright.config.ts)
