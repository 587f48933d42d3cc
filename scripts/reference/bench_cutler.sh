#!/usr/bin/env bash
# CutLER on the real graph, side by side in one run: this project's server end to end
# (POST /process-image, decode to JSON with RLE masks, no overlay picture), CutLER's own predictor
# (detectron2 eager) and ONNX Runtime's bare session.run in Python, at 1280x720 and 1920x1080;
# then the server's peak RSS with the model loaded, after sequential requests and under 4
# concurrent clients.
#   scripts/reference/bench_cutler.sh CUTLER_DIR WEIGHTS.pth MODEL.onnx
# RUNS (7) requests per image, SERVER_ENV extra settings for the server (e.g. "ONNX_THREADS=2"),
# PYTHON_ROWS=0 to time the server only (for A/B runs of its settings).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
cutler_dir="${1:?usage: bench_cutler.sh CUTLER_DIR WEIGHTS.pth MODEL.onnx}"
weights="${2:?weights}"
onnx="${3:?onnx}"
RUNS=${RUNS:-7}
PORT=${PORT:-18083}
bench_setup
.venv-reference/bin/python scripts/reference/make_images.py "$work/img" >/dev/null
.venv-reference/bin/python - "$work/img" <<'PY'
import sys
sys.path.insert(0, "scripts/reference")
from make_images import scene
scene(1920, 1080, 6).save(f"{sys.argv[1]}/scene-1920x1080.jpg", quality=92)
PY
images=("$work/img/scene-1280x720.jpg" "$work/img/scene-1920x1080.jpg")

echo "== this project's server, POST /process-image?return_image=false, median of $RUNS"
# shellcheck disable=SC2086
env PORT="$PORT" LOG_LEVEL=WARNING MODEL_PATH="$onnx" ${SERVER_ENV:-} \
    "$JAVA_HOME/bin/java" $JVM_FLAGS -jar mlportfolio-server/target/mlportfolio-server.jar >"$work/server.log" 2>&1 &
server_pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; do sleep 0.2; done
rss() { awk -v k="$1" '$1 == k":" {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status"; }
echo "after start: RSS $(rss VmRSS)"
for image in "${images[@]}"; do
    times=()
    for i in $(seq 0 "$RUNS"); do
        t=$(curl -fsS -o /dev/null -w '%{time_total}' -H 'Content-Type: image/jpeg' --data-binary "@$image" \
            "http://127.0.0.1:$PORT/process-image?return_image=false")
        [ "$i" -gt 0 ] && times+=("$t")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)] * 1000}')
    echo "$(basename "$image"): server end to end $median ms; peak RSS so far $(rss VmHWM)"
done
for c in 1 2 3 4; do
    ( for i in 1 2 3; do curl -fsS -o /dev/null -H 'Content-Type: image/jpeg' --data-binary "@${images[1]}" \
        "http://127.0.0.1:$PORT/process-image?return_image=false"; done ) &
done
wait $(jobs -p | grep -v "^$server_pid$") 2>/dev/null || true
echo "after 4 concurrent clients x 3 requests at 1920x1080: peak RSS $(rss VmHWM), now $(rss VmRSS)"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

[ "${PYTHON_ROWS:-1}" = 0 ] && exit 0
echo
echo "== Python: CutLER's predictor (detectron2 eager) and ONNX Runtime session.run"
.venv-reference/bin/python scripts/reference/bench_cutler.py "$cutler_dir" "$weights" "$onnx" "${images[@]}" 2>/dev/null
