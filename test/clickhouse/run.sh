#!/usr/bin/env bash
# ClickHouse integration suite for the ClickHouse history store (src/store/clickhouse/). Run from
# .ci/run as root:
#
#   test/clickhouse/run.sh                      # the suite (test/clickhouse/*.test.ts)
#   test/clickhouse/run.sh --exec CMD [ARGS]    # any command against the same throw-away server,
#                                               # e.g. --exec node --import tsx bench/clickhouse.ts
#
# 1. installs Debian's clickhouse-server when missing (skips, exit 0, when it cannot);
# 2. writes its own config (loopback only, free ports, console log) and a data dir in mktemp;
# 3. starts the server in the foreground as user `nobody` (setpriv), waits for /ping;
# 4. runs the suite with FLOWLENS_TEST_CLICKHOUSE_URL=clickhouse://127.0.0.1:PORT/flowlens_test;
# 5. always stops the server by its PID and removes the data dir (trap), pass or fail.
# Never uses /etc/clickhouse-server or the packaged service (which, on a host with systemd, may
# already listen on 8123/9000 and accept `default` from anywhere).
set -euo pipefail
cd "$(dirname "$0")/../.."

CH_BIN=/usr/sbin/clickhouse-server
if [ ! -x "$CH_BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install clickhouse-server"
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d (containers) keeps the packaged service from starting; where it would start
    # (systemd hosts), this suite still uses its own ports, config and data dir.
    if ! { apt-get update -q -o DPkg::Lock::Timeout=300 &&
      apt-get install -y -q -o DPkg::Lock::Timeout=300 clickhouse-server; }; then
      echo "warning: could not install clickhouse-server"
    fi
  fi
fi
if [ ! -x "$CH_BIN" ]; then
  echo "SKIP: $CH_BIN is absent and cannot be installed here (Debian trixie and later have no package); ClickHouse suite not run"
  exit 0
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
HTTP_PORT=$(free_port)
TCP_PORT=$(free_port)
while [ "$TCP_PORT" = "$HTTP_PORT" ]; do TCP_PORT=$(free_port); done

CH=$(mktemp -d /tmp/flowlens-clickhouse-XXXXXX)
PID=""
cleanup() {
  local rc=$?
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$CH"
  exit $rc
}
trap cleanup EXIT INT TERM

mkdir -p "$CH/etc" "$CH/data"
cat > "$CH/etc/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><console>1</console></logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$HTTP_PORT</http_port>
    <tcp_port>$TCP_PORT</tcp_port>
    <path>$CH/data/</path>
    <tmp_path>$CH/data/tmp/</tmp_path>
    <user_files_path>$CH/data/user_files/</user_files_path>
    <format_schema_path>$CH/data/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
</yandex>
XML
# Two users: default (no password, for the suite's set-up) and flowlens (with a password, to
# prove basic auth and that credentials stay out of messages). Loopback only.
cat > "$CH/etc/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <flowlens>
            <password>s3cret-test-pw</password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </flowlens>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
chmod 755 "$CH" "$CH/etc"
chmod 644 "$CH/etc/"*.xml
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown -R nobody:nogroup "$CH/data"
  RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${RUN_AS[@]}" "$CH_BIN" --config-file="$CH/etc/config.xml" >"$CH/server.log" 2>&1 &
PID=$!
for i in $(seq 1 200); do
  if curl -sf "http://127.0.0.1:$HTTP_PORT/ping" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "clickhouse-server exited during start:"; cat "$CH/server.log"; exit 1
  fi
  [ "$i" = 200 ] && { echo "clickhouse-server did not answer /ping in 20 s"; cat "$CH/server.log"; exit 1; }
  sleep 0.1
done
echo "== clickhouse-server $(curl -s "http://127.0.0.1:$HTTP_PORT/?query=SELECT%20version()") on 127.0.0.1:$HTTP_PORT (pid $PID, data $CH/data)"

export FLOWLENS_TEST_CLICKHOUSE_URL="clickhouse://127.0.0.1:$HTTP_PORT/flowlens_test"
export FLOWLENS_TEST_CLICKHOUSE_USER=flowlens
export FLOWLENS_TEST_CLICKHOUSE_PASSWORD=s3cret-test-pw
if [ "${1:-}" = "--exec" ]; then
  shift
  "$@"
else
  npx vitest run --config test/clickhouse/vitest.config.ts "$@"
fi
