#!/usr/bin/env bash
# The network-namespace lab suite (issue 8): installs the Debian packages the lab needs, then runs
# test/lab/*.test.ts as root. Everything the suite creates lives in namespaces named flab-* on
# 10.244.1.0/24 with no uplink; the trap removes them (and any kfree_skb trace instance an agent
# left) even when the suite fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" != 0 ]; then
  exec sudo -E "$0" "$@"
fi

PKGS="iproute2 iptables nftables tcpdump conntrack dnsutils netcat-openbsd curl dnsmasq-base nginx-light util-linux"
missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "== apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=300
  apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing
fi
# nginx-light ships an init script; make sure no packaged service was started by the install.
if command -v ss >/dev/null && ss -ltnp 2>/dev/null | grep -q '"nginx"'; then
  service nginx stop 2>/dev/null || true
fi

tracefs_was_mounted=0
mountpoint -q /sys/kernel/tracing 2>/dev/null && tracefs_was_mounted=1

cleanup() {
  local rc=$?
  node --import tsx test/lab/flowlens.ts lab down --all || true
  # Trace instances of agents that were killed before they could clean up.
  for i in /sys/kernel/tracing/instances/flowlens-*; do
    [ -d "$i" ] || continue
    echo 0 > "$i/events/skb/kfree_skb/enable" 2>/dev/null || true
    rmdir "$i" 2>/dev/null || true
  done
  if [ "$tracefs_was_mounted" = 0 ] && mountpoint -q /sys/kernel/tracing 2>/dev/null; then umount /sys/kernel/tracing || true; fi
  exit $rc
}
trap cleanup EXIT INT TERM

echo "== lab suite"
npx vitest run -c test/lab/vitest.config.ts "$@"
