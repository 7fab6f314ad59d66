# Sourced by the scripts that drive a browser (e2e.sh, lighthouse.sh, bench.sh): Debian's
# chromium and end2end's npm packages (Playwright, axe-core, Lighthouse), when missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ] \
  || [ ! -x end2end/node_modules/.bin/lighthouse ] || [ ! -x end2end/node_modules/.bin/maildev ]; then
  echo "==> npm ci (end2end)"
  (cd end2end && npm ci --no-audit --no-fund)
fi
