#!/usr/bin/env bash
# `make instances`: the deployment test alone (server/tests/it/deployment.rs): two server
# processes on one PostgreSQL database and one SeaweedFS bucket behind a small load balancer,
# one killed with SIGKILL mid-chat; then the same in a browser (scripts/failover.sh): the member's
# page, behind a balancer, reconnects to the surviving instance. `make test` runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk
scripts/mail-server.sh start
scripts/s3-server.sh start
trap 'scripts/mail-server.sh stop; scripts/s3-server.sh stop' EXIT
TEST_DATABASE=postgres TEST_PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  cargo test -p server --test it deployment -- --nocapture
cargo leptos build --release --split --precompress
# shellcheck source=browser-deps.sh
source scripts/browser-deps.sh
scripts/failover.sh
