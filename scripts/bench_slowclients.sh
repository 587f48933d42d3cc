#!/usr/bin/env bash
# Slow clients (issue 13): 500 slowloris connections (request line, then one header byte a second)
# against this server and against the peer a user would otherwise run (FastAPI on uvicorn,
# scripts/bench/health_peer.py, pinned in scripts/requirements-http-peer.txt, .venv-http-peer),
# one after the other, while a normal client asks GET /health/live on fresh connections. Prints
# how many slow connections each server still holds and the normal client's latency meanwhile.
#   scripts/bench_slowclients.sh                 # N=500 connections for RUN_SECONDS=30
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
source scripts/lib/venv.sh
bench_setup
install_venv .venv-http-peer scripts/requirements-http-peer.txt
N=${N:-500}
RUN_SECONDS=${RUN_SECONDS:-30}
PORT=${PORT:-18091}
PEER_PORT=${PEER_PORT:-18092}
peer_pid=""
trap 'kill $peer_pid 2>/dev/null || true; bench_cleanup' EXIT

wait_live() {
    for _ in $(seq 300); do
        curl -fs "http://127.0.0.1:$1/health/live" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "no answer on port $1" >&2
    exit 1
}

echo "== $N slow-header connections for $RUN_SECONDS s, one byte a second each"
# shellcheck disable=SC2086
PORT=$PORT START_MLFLOW=0 "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar \
    >"$work/server.log" 2>&1 &
server_pid=$!
wait_live "$PORT"
printf 'mlportfolio (HTTP_HEADER_TIMEOUT=10 default): '
python3 scripts/bench/slowloris.py "$PORT" "$N" "$RUN_SECONDS"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

(cd scripts/bench && exec ../../.venv-http-peer/bin/uvicorn health_peer:app --host 127.0.0.1 --port "$PEER_PORT" \
    --log-level warning) >"$work/peer.log" 2>&1 &
peer_pid=$!
wait_live "$PEER_PORT"
uvicorn_version=$(.venv-http-peer/bin/python -c 'import uvicorn; print(uvicorn.__version__)')
printf 'FastAPI on uvicorn %s (defaults): ' "$uvicorn_version"
python3 scripts/bench/slowloris.py "$PEER_PORT" "$N" "$RUN_SECONDS"
