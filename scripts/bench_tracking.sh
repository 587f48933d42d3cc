#!/usr/bin/env bash
# MLflow tracking benchmarks (issues 5 and 13), against local MLflow servers this script starts:
#  1. how many runs per second the background writer gets into MLflow (scripts/bench/TrackingBench.java),
#     with 1 and 4 MLflow worker processes, 1 to 16 writer threads, in memory and spooled on disk;
#  2. request latency at 1 client, POST /process-image (test model, 1920x1080 JPEG, overlay and both
#     artifacts kept for every prediction) and POST /rag/query, with tracking
#       off          MLFLOW_TRACKING_URI unset;
#       unreachable  tracking on, nothing listening: the request path's own cost (build, queue);
#       on           tracking on, MLflow on this machine competing for its 2 cores;
#       on-niced     the same with MLflow at nice 19, as if it ran on another machine.
#   scripts/bench_tracking.sh            # DURATION=20 seconds per wrk run; RUNS=300 per writer row
#   WRITERS_ONLY=1 scripts/bench_tracking.sh   # part 1 only
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
source scripts/lib/mlflow.sh
DURATION=${DURATION:-20}
PORT=${PORT:-18083}
bench_setup
ensure_mlflow
trap 'bench_cleanup; stop_mlflow' EXIT

# Writer throughput against MLflow with 1 and with 4 server processes (uvicorn workers) on one
# SQLite store, by writer threads, in memory and through the disk spool.
for mlflow_workers in ${MLFLOW_WORKER_COUNTS:-1 4}; do
    stop_mlflow
    MLFLOW_WORKERS=$mlflow_workers start_mlflow "$work/mlflow-$mlflow_workers"
    echo "== writer throughput into MLflow $("$MLFLOW_BIN" --version | awk '{print $NF}') (SQLite store, $mlflow_workers worker(s))"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/TrackingBench.java "$MLFLOW_URI" "${RUNS:-300}" \
        "${WRITER_COUNTS:-1,4,8,16}" "$work/spool-$mlflow_workers" 2>/dev/null
done
stop_mlflow
start_mlflow "$work/mlflow"
[ "${WRITERS_ONLY:-0}" = 1 ] && exit 0

# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java write-scene "$work/photo.jpg" 1920 1080 2>/dev/null
write_image_post "$work/image.lua"
cat > "$work/rag.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query": "Which programming languages does she know?"}'
LUA
export BENCH_IMAGE="$work/photo.jpg"
for mode in off unreachable on on-niced; do
    echo
    echo "== tracking $mode, 1 client, ${DURATION}s per run"
    tracking=()
    case "$mode" in
        unreachable) tracking=(MLFLOW_TRACKING_URI="http://127.0.0.1:$(free_port)") ;;
        on) tracking=(MLFLOW_TRACKING_URI="$MLFLOW_URI") ;;
        on-niced)
            tracking=(MLFLOW_TRACKING_URI="$MLFLOW_URI")
            # shellcheck disable=SC2046
            renice -n 19 -p "$MLFLOW_PID" $(descendants "$MLFLOW_PID") >/dev/null
            ;;
    esac
    # shellcheck disable=SC2086
    env PORT="$PORT" LOG_LEVEL=WARNING MODEL_PATH=models/test-cutler-colors.onnx RAG_WORKING_DIR="$work/rag" \
        "${tracking[@]}" "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar \
        >"$work/server-$mode.log" 2>&1 &
    server_pid=$!
    until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/rag/health" 2>/dev/null; do sleep 0.2; done
    wrk_report "POST /process-image" 1 "http://127.0.0.1:$PORT/process-image" "$work/image.lua"
    wrk_report "POST /rag/query" 1 "http://127.0.0.1:$PORT/rag/query" "$work/rag.lua"
    if [ "$mode" != off ]; then
        curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^mlflow_(records_total|records_dropped_total|queue_depth)' || true
    fi
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
