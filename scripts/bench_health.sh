#!/usr/bin/env bash
# Start-up time to ready, and GET /health throughput and latency under wrk at 64 connections.
#   scripts/bench_health.sh            # 5 start-ups, 10 s warm-up, 30 s measured run
#   DURATION=60 STARTS=10 scripts/bench_health.sh
# wrk comes from Debian (installed here when missing and running as root). Server and wrk share
# the machine, so on 2 cores the numbers are a floor, not a ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
find_jdk

STARTS=${STARTS:-5}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
jar=mlportfolio-server/target/mlportfolio-server.jar

ensure_wrk
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
    require_maven
    mvn_quiet -DskipTests -pl mlportfolio-server -am package
fi

log=$(mktemp)
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; rm -f "$log"' EXIT

start_server() {
    # shellcheck disable=SC2086
    env PORT="$PORT" LOG_LEVEL="${1:-INFO}" "$JAVA_HOME/bin/java" $JVM_FLAGS -jar "$jar" >"$log" 2>&1 &
    server_pid=$!
}

wait_ready() {
    local deadline=$((SECONDS + 60))
    until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "server did not become ready" >&2; cat "$log" >&2; exit 1; }
        sleep 0.01
    done
}

echo "== start-up to ready ($STARTS runs; wall clock from launching java to the first 200 of /health/ready)"
for i in $(seq 1 "$STARTS"); do
    t0=$(date +%s%N)
    start_server
    wait_ready
    t1=$(date +%s%N)
    self=$(sed -n 's/.* ready on .* in \([0-9]*\) ms.*/\1/p' "$log" | head -1)
    echo "run $i: $(( (t1 - t0) / 1000000 )) ms to first ready answer (server's own count from JVM start: ${self} ms)"
    stop_server
done

for level in INFO WARNING; do
    echo
    echo "== GET /health, $CONNECTIONS connections, ${DURATION}s, LOG_LEVEL=$level (INFO writes an access-log line per request)"
    start_server "$level"
    wait_ready
    wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$PORT/health" >/dev/null   # warm-up: JIT and connections
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/health"
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
    echo "server RSS after the run: $((rss_kb / 1024)) MiB"
    stop_server
done
