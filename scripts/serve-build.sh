# Sourced by the scripts that drive the built app in a browser (e2e.sh, lighthouse.sh, bench.sh):
# starts target/$SERVE_PROFILE/server (default release) with demo data on $SERVE_PORT (default
# 3200) on a fresh SQLite database in a temporary folder, waits until it answers, and stops it
# (and removes the folder) when the caller exits. Sets $port. With SERVE_MAIL=1 it sends email
# to the tests' maildev (scripts/mail-server.sh), takes replies by email on $SERVE_INBOUND_PORT,
# and sends pushes to push services on this machine (the end2end suite's own). With
# SERVE_OIDC=1 it also lets members sign in through the tests' OpenID Provider.
data=$(mktemp -d)
port=${SERVE_PORT:-3200}
extra_env=()
if [ "${SERVE_MAIL:-0}" = 1 ]; then
  extra_env=(APP_SMTP_URL="smtp://127.0.0.1:${TEST_SMTP_PORT:-1025}" APP_MAIL_POLL_MS=200
    APP_INBOUND_SMTP_ADDR="127.0.0.1:${SERVE_INBOUND_PORT:-2525}" APP_REPLY_DOMAIN=reply.e2e.example.com
    APP_PUSH_SERVICES=127.0.0.1)
fi
# With SERVE_OIDC=1 members may also sign in through the tests' OpenID Provider
# (scripts/oidc-server.sh).
if [ "${SERVE_OIDC:-0}" = 1 ]; then
  extra_env+=(APP_OIDC_ISSUER="http://127.0.0.1:${TEST_OIDC_PORT:-4455}" APP_OIDC_CLIENT_ID=desk
    APP_OIDC_CLIENT_SECRET=desk-oidc-test-secret APP_OIDC_SCOPES="email profile member"
    APP_OIDC_TIER_CLAIM=member_tier APP_OIDC_MEMBER_NUMBER_CLAIM=member_no)
fi
LEPTOS_SITE_ROOT=target/site LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD LEPTOS_OUTPUT_NAME=desk \
  APP_LISTEN_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/desk.db" \
  APP_ATTACHMENTS_DIR="$data/attachments" APP_DEMO=1 RUST_LOG=warn env ${extra_env[@]+"${extra_env[@]}"} \
  "target/${SERVE_PROFILE:-release}/server" >"$data/server.log" 2>&1 &
server_pid=$!
# On exit: stop the server, remove its folder, then whatever the caller already does on exit.
eval "set -- $(trap -p EXIT)"
caller_exit_trap=${3:-}
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data" || true; eval "$caller_exit_trap"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/server.log" >&2; exit 1; }
