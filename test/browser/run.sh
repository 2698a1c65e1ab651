#!/usr/bin/env bash
# The web UI's real-browser suite: Debian's chromium driven by playwright-core against
# `flowlens serve` on ephemeral loopback ports. Installs chromium when missing (root, apt),
# builds the CLI and the UI, then runs test/browser/*.test.ts. Screenshots go to docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null
fi
/usr/bin/chromium --version

echo "== npm run build"
npm run build

echo "== browser suite"
npx vitest run --config test/browser/vitest.config.ts "$@"
