#!/usr/bin/env bash
# Real-Prometheus integration suite for flowlens metrics (issue 4). Run from .ci/run as root:
#
#   test/prometheus/run.sh
#
# 1. installs Debian's prometheus package (prometheus + promtool) when missing;
# 2. builds flowlens (dist/) when needed;
# 3. runs test/prometheus/prometheus.test.ts, which starts `flowlens metrics --listen ... --loop`
#    on simulated flows and a foreground Prometheus on loopback (1 s scrape interval, static
#    `cluster` label), proves over PromQL that every panel query of dashboards/*.json returns
#    data, runs promtool check rules / test rules / check metrics, and stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "installing prometheus from Debian..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: no node-exporter and its timers (linux-lab.md §7). policy-rc.d keeps
  # the packaged service from starting; the suite runs its own Prometheus in the foreground.
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends prometheus >/dev/null
fi
prometheus --version 2>&1 | head -1

if [ ! -f dist/cli/main.js ] || [ -n "$(find src -name '*.ts' -newer dist/cli/main.js -print -quit)" ]; then
  echo "building flowlens..."
  # tsc writes dist/ even when some other folder has type errors; the suite then tests what was built.
  npx tsc -p tsconfig.build.json || echo "warning: tsc reported type errors (dist/ was still written)"
fi

exec npx vitest run --config test/prometheus/vitest.config.ts "$@"
