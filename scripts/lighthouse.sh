#!/usr/bin/env bash
# Lighthouse (npm, Debian chromium, mobile profile) on the login page, the dashboard and the submit
# form of a release build with demo data, LH_RUNS times each (default 3). Prints the scores;
# BENCHMARKS.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=desk
# shellcheck source=browser-deps.sh
source scripts/browser-deps.sh
cargo leptos build --release --split --precompress >/dev/null 2>&1

SERVE_PORT=${LH_PORT:-3200}
# shellcheck source=serve-build.sh
source scripts/serve-build.sh

# The session cookie is `__Host-desk_session` (or `desk_session` with APP_COOKIE_SECURE=0).
cookie=$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$port/api/login" \
  -d 'username=silver&password=demo-password' \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^=;]*desk_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }

mkdir -p target/lighthouse
run() { # name path [cookie]
  local headers='{}'
  [ -n "${3:-}" ] && headers="{\"Cookie\":\"$3\"}"
  end2end/node_modules/.bin/lighthouse "http://127.0.0.1:$port$2" --quiet \
    --chrome-path=/usr/bin/chromium --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices \
    --extra-headers="$headers" --output=json --output-path="target/lighthouse/$1.json" >/dev/null 2>&1
  node -e '
    const r = require(process.argv[1]);
    const s = (k) => Math.round(r.categories[k].score * 100);
    console.log(`${process.argv[2].padEnd(10)} performance ${s("performance")}  accessibility ${s("accessibility")}  best-practices ${s("best-practices")}  (LCP ${Math.round(r.audits["largest-contentful-paint"].numericValue)} ms, TBT ${Math.round(r.audits["total-blocking-time"].numericValue)} ms)`);
    const fails = Object.values(r.audits).filter(a => a.score !== null && a.score < 1 && ["accessibility","best-practices"].some(c => r.categories[c].auditRefs.some(x => x.id === a.id && x.weight > 0)));
    for (const a of fails) console.log(`           - ${a.id}: ${a.title}`);
  ' "$PWD/target/lighthouse/$1.json" "$1"
}
echo "Lighthouse $(end2end/node_modules/.bin/lighthouse --version), mobile profile, Debian $(chromium --version)"
# Scores move between runs (simulated throttling over a real trace): LH_RUNS runs of each page.
for n in $(seq 1 "${LH_RUNS:-3}"); do
  echo "run $n"
  run login /login
  run dashboard / "$cookie"
  run submit /tickets/new "$cookie"
done
