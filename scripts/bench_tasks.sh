#!/usr/bin/env bash
# Async task benchmarks (issue 11), against a redis-server this script starts on loopback:
#  1. the backends' own cost, in-memory vs Redis, side by side in one JVM (scripts/bench/TaskBench.java):
#     submit-to-start latency of a task that does nothing, and a burst's throughput; then the same
#     task through Celery on the same Redis (scripts/bench/celery_peer.py, .venv-celery), the
#     original service's task stack;
#  2. async detection throughput (test model, 1920x1080 JPEG, return_image=false) with 1, 2 and 3
#     packaged servers sharing the Redis queue (scripts/bench/ReplicaBench.java). This machine has 2
#     cores: the replicas share them, so the figures show the cost of sharing, not scaling.
#   scripts/bench_tasks.sh              # TASKS=2000 no-op tasks, DETECTIONS=300 detections per run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
source scripts/lib/packages.sh
source scripts/lib/venv.sh
bench_setup
install_venv .venv-celery scripts/requirements-celery.txt
ensure_package redis-server redis-server
SERVER_CP="mlportfolio-server/target/mlportfolio-server.jar:mlportfolio-server/target/libs/*"
REDIS_PORT=${REDIS_PORT:-16390}
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always \
    --save "" --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
servers=()
celery_pid=""
cleanup() {
    for pid in "${servers[@]}" $celery_pid; do kill "$pid" 2>/dev/null || true; done
    kill "$redis_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    bench_cleanup
}
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

echo "== task backends: $(redis-server --version | awk '{print $3}') with appendfsync always, 2 workers"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$SERVER_CP" scripts/bench/TaskBench.java "$REDIS_URL" "${TASKS:-2000}" 2>/dev/null
celery_version=$(.venv-celery/bin/python -c 'import celery; print(celery.__version__)')
echo "== the peer: Celery $celery_version (acks late, prefetch 1, 2 prefork processes), same Redis"
.venv-celery/bin/python scripts/bench/celery_peer.py worker "$REDIS_URL" >"$work/celery.log" 2>&1 &
celery_pid=$!
.venv-celery/bin/python scripts/bench/celery_peer.py client "$REDIS_URL" "${TASKS:-2000}"
kill "$celery_pid" 2>/dev/null || true
wait "$celery_pid" 2>/dev/null || true
celery_pid=""

# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java write-scene "$work/photo.jpg" 1920 1080 2>/dev/null
echo "== async detection through Redis, ${DETECTIONS:-300} tasks from 8 clients, TASK_WORKERS=2 per replica"
for replicas in 1 2 3; do
    ports=()
    servers=()
    for i in $(seq "$replicas"); do
        port=$((18200 + i))
        ports+=("$port")
        # shellcheck disable=SC2086
        PORT=$port REDIS_URL=$REDIS_URL REDIS_KEY_PREFIX="bench-$replicas:" MODEL_PATH=models/test-cutler-colors.onnx \
            TASK_WORKERS=2 TASK_QUEUE_SIZE=10000 RAG_WORKING_DIR="$work/rag-$i" \
            "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar >"$work/server-$i.log" 2>&1 &
        servers+=($!)
    done
    for port in "${ports[@]}"; do
        for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
    done
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" -cp "$BENCH_CP" scripts/bench/ReplicaBench.java "$work/photo.jpg" 30 "${ports[@]}" >/dev/null
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" -cp "$BENCH_CP" scripts/bench/ReplicaBench.java "$work/photo.jpg" "${DETECTIONS:-300}" "${ports[@]}"
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    servers=()
done
