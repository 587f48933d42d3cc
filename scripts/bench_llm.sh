#!/usr/bin/env bash
# Generation speed, side by side in one run: the built-in engine (RAG_LLM_ENGINE f32 and int8) on
# the F32 folder, Jlama (Panama operations) on the Jlama-Q4 folder, and llama.cpp (llama-cpp-python,
# built from source into .venv-llama) on the original Q4_1 GGUF and on its F32 dequantization, all
# on the same rendered RAG prompt (about 300 tokens: the sample resume's top 5 excerpts in
# SmolLM2's chat template) with 2 threads.
#   scripts/bench_llm.sh          # RUNS=5 per model, ROUNDS=1 pass over the set (SKIP_JLAMA=1 leaves Jlama out)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/venv.sh
find_jdk
JQ4=1 scripts/fetch_llm.sh
install_venv .venv-llama scripts/requirements-llama-cpp.txt
if [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
    require_maven
    mvn_quiet -DskipTests -pl mlportfolio-examples -am install
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-5}
cp="mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*"
java_run() {
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -Druns="$runs" -Dengine="$1" -cp "$cp" scripts/bench/LlmBench.java \
        "models/llm/$2" "$work/prompt.txt" 2>/dev/null
}
llama_run() {
    if [ -f "models/llm/.cache/$1" ]; then
        .venv-llama/bin/python scripts/llm/bench_llama_cpp.py "models/llm/.cache/$1" "$work/prompt.txt" --runs "$runs"
    fi
}
# This machine's speed drifts by up to a third between minutes, so each engine sits next to its
# llama.cpp counterpart and ROUNDS repeats the whole set (A, B, A, B).
java_run INT8 SmolLM2-135M-Instruct  # writes the prompt llama.cpp reads
for round in $(seq "${ROUNDS:-1}"); do
    [ "$round" = 1 ] || java_run INT8 SmolLM2-135M-Instruct
    llama_run SmolLM2-135M-Instruct.Q4_1.gguf
    java_run F32 SmolLM2-135M-Instruct
    llama_run SmolLM2-135M-Instruct.F32.gguf
    [ "${SKIP_JLAMA:-0}" = 1 ] || java_run JLAMA SmolLM2-135M-Instruct-JQ4
done
