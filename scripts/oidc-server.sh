#!/usr/bin/env bash
# A real OpenID Provider for the tests: npm `oidc-provider` (pinned in end2end/package.json)
# run by end2end/fixtures/oidc-provider.mjs, which says which logins it accepts. `start` runs
# it in the background on $TEST_OIDC_PORT (default 4455) and waits until its discovery
# document answers; `stop` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=background.sh
source scripts/background.sh
port=${TEST_OIDC_PORT:-4455}
pidfile=${TMPDIR:-/tmp}/desk-oidc-$port.pid
log=${TMPDIR:-/tmp}/desk-oidc-$port.log
discovery="http://127.0.0.1:$port/.well-known/openid-configuration"

case "${1:-start}" in
start)
  if [ ! -d end2end/node_modules/oidc-provider ]; then
    echo "==> npm ci (end2end, for oidc-provider)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  if curl -fs "$discovery" >/dev/null 2>&1; then
    echo "==> OpenID Provider already running on :$port"
    exit 0
  fi
  TEST_OIDC_PORT=$port node end2end/fixtures/oidc-provider.mjs >"$log" 2>&1 &
  echo $! >"$pidfile"
  wait_until 100 curl -fs "$discovery" || {
    cat "$log" >&2
    exit 1
  }
  echo "==> OpenID Provider on :$port"
  ;;
stop)
  stop_pidfile "$pidfile"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
