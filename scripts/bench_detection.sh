#!/usr/bin/env bash
# Detection benchmarks (issue 3):
#  1. everything a request does except ONNX Runtime's session.run, per stage, on 1920x1080 and
#     4000x3000 JPEGs with 20 instances (scripts/bench/PipelineBench.java);
#  2. end-to-end POST /process-image with the generated test model at 1, 4 and 16 concurrent
#     clients (wrk; a 1920x1080 JPEG of six solid shapes; with and without the overlay picture);
#  3. the JPEG codecs alone (OpenCV as bundled, the JDK, and PIL for reference).
#   scripts/bench_detection.sh            # DURATION=20 seconds per wrk run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
DURATION=${DURATION:-20}
PORT=${PORT:-18081}
bench_setup

echo "== pipeline without session.run"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java "${ITERATIONS:-60}" "${WARMUP:-20}" 2>/dev/null

echo
echo "== JPEG codecs alone, on the 1920x1080 photo-like picture"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java write-photo "$work/photo-like.jpg" 1920 1080 2>/dev/null
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java codecs "$work/photo-like.jpg" 2>/dev/null
if source scripts/lib/venv.sh && ensure_venv >/dev/null 2>&1; then
    "$VENV_PYTHON" scripts/compare_jpeg.py "$work/photo-like.jpg"
fi

echo
echo "== end to end: POST /process-image, test model, 1920x1080 JPEG of six shapes, ${DURATION}s per run"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/PipelineBench.java write-scene "$work/photo.jpg" 1920 1080 2>/dev/null
write_image_post "$work/post.lua"
# shellcheck disable=SC2086
env PORT="$PORT" LOG_LEVEL=WARNING MODEL_PATH=models/test-cutler-colors.onnx \
    "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar >"$work/server.log" 2>&1 &
server_pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; do sleep 0.1; done
instances=$(curl -fsS -H 'Content-Type: image/jpeg' --data-binary "@$work/photo.jpg" \
    "http://127.0.0.1:$PORT/process-image?return_image=false" | sed -n 's/.*"num_instances":\([0-9]*\).*/\1/p')
echo "the test model finds $instances instances in the picture"
export BENCH_IMAGE="$work/photo.jpg"
for query in "" "?return_image=false"; do
    for clients in 1 4 16; do
        wrk_report "clients=$clients overlay=$([ -z "$query" ] && echo yes || echo no)" "$clients" \
            "http://127.0.0.1:$PORT/process-image$query" "$work/post.lua"
    done
done
