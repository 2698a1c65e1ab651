#!/usr/bin/env bash
# The web UI's real-browser suite: Debian's chromium driven by playwright-core against
# `flowlens serve` on ephemeral loopback ports. Installs what it needs when missing (chromium and
# fonts, with apt-get, as root or through sudo), builds the CLI and the UI, then runs
# test/browser/*.test.ts (~6-8 min). Screenshots go to docs/screenshots/, speed figures to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

PKGS="chromium fonts-liberation fonts-dejavu-core"
missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "== apt-get install$missing"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo -E"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q -o DPkg::Lock::Timeout=300
  $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing
fi
/usr/bin/chromium --version 2>/dev/null

echo "== npm run build"
npm run build

echo "== browser suite"
npx vitest run --config test/browser/vitest.config.ts "$@"
