#!/usr/bin/env bash
# Two builds of the desk compared on the phone profile, served in turn: on this machine the same
# build's first visit moves by up to 100 ms from one run to the next (BENCHMARKS.md, sessions 41
# and 42), so only figures taken in the same minutes, alternating, tell two builds apart.
# Each checkout must already be built (`cargo leptos build --release --split --precompress`,
# with its own target/site and target/release/server; a worktree can point target/release at a
# copy of the binary and its hash.txt).
# Usage: end2end/bench/ab.sh OLD_CHECKOUT NEW_CHECKOUT [rounds, default 2] [visits, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
rounds=${3:-2}
export BENCH_BROWSER_RUNS=${4:-10}
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    dir=$old
    [ "$side" = new ] && dir=$new
    # A subshell per server: serve-build.sh stops its server when the subshell exits.
    (
      cd "$dir"
      SERVE_PORT=$((3460 + round))
      # shellcheck source=../../scripts/serve-build.sh
      source scripts/serve-build.sh
      node "$here/hydration.mjs" "http://127.0.0.1:$port" | grep '| phone' | sed "s/^/$side, round $round: /"
    )
  done
done
