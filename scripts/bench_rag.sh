#!/usr/bin/env bash
# RAG benchmarks (issue 4): in-process query embedding, index build and answer times
# (scripts/bench/RagBench.java), then POST /rag/query end to end, extractive, at 1 and 16
# concurrent clients (wrk cycling through the evaluation questions).
#   scripts/bench_rag.sh            # DURATION=20 seconds per wrk run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
DURATION=${DURATION:-20}
PORT=${PORT:-18082}
bench_setup

echo "== in process"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" \
    scripts/bench/RagBench.java 2>/dev/null

echo
echo "== end to end: POST /rag/query, extractive, the sample resume, ${DURATION}s per run"
write_rag_post "$work/post.lua" "$work/questions.txt"
# shellcheck disable=SC2086
env PORT="$PORT" LOG_LEVEL=WARNING RAG_WORKING_DIR="$work/rag" \
    "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar >"$work/server.log" 2>&1 &
server_pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/rag/health" 2>/dev/null; do sleep 0.2; done
export BENCH_QUESTIONS="$work/questions.txt"
for clients in 1 16; do
    wrk_report "clients=$clients" "$clients" "http://127.0.0.1:$PORT/rag/query" "$work/post.lua"
done
