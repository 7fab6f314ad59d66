#!/usr/bin/env bash
# A real SMTP server for the tests: maildev (npm, pinned in end2end/package.json), which keeps
# what it receives in memory and shows it through an HTTP API. `start` runs it in the background
# (SMTP on $TEST_SMTP_PORT, default 1025; API on $TEST_MAIL_API_PORT, default 1080) and waits
# until both answer; `stop` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=background.sh
source scripts/background.sh
smtp=${TEST_SMTP_PORT:-1025}
api=${TEST_MAIL_API_PORT:-1080}
pidfile=${TMPDIR:-/tmp}/desk-maildev-$api.pid

case "${1:-start}" in
start)
  if [ ! -x end2end/node_modules/.bin/maildev ]; then
    echo "==> npm ci (end2end, for maildev)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  if curl -fs "http://127.0.0.1:$api/email" >/dev/null 2>&1; then
    echo "==> maildev already running on :$smtp (API :$api)"
    exit 0
  fi
  end2end/node_modules/.bin/maildev --ip 127.0.0.1 --web-ip 127.0.0.1 -s "$smtp" -w "$api" \
    --silent >"${TMPDIR:-/tmp}/desk-maildev-$api.log" 2>&1 &
  echo $! >"$pidfile"
  both_up() {
    curl -fs "http://127.0.0.1:$api/email" && timeout 1 bash -c "</dev/tcp/127.0.0.1/$smtp"
  }
  wait_until 100 both_up || {
    cat "${TMPDIR:-/tmp}/desk-maildev-$api.log" >&2
    exit 1
  }
  echo "==> maildev on :$smtp (API :$api)"
  ;;
stop)
  stop_pidfile "$pidfile"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
