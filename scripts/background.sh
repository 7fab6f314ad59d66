# Sourced by the scripts that run a service for the tests in the background (mail-server.sh,
# oidc-server.sh): waiting for it to answer, and stopping it by its pid file.

# wait_until TRIES CHECK...: runs CHECK every 0.2 s until it succeeds, at most TRIES times;
# fails when it never did.
wait_until() {
  local tries=$1
  shift
  for _ in $(seq 1 "$tries"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  "$@" >/dev/null 2>&1
}

# stop_pidfile FILE: ends the process named in FILE (if it still runs) and removes FILE.
stop_pidfile() {
  if [ -f "$1" ]; then kill "$(cat "$1")" 2>/dev/null || true; fi
  rm -f "$1"
}
