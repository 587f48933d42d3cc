#!/usr/bin/env bash
# Generation speed, side by side in one run: Jlama (this project's loop, Panama operations) on the
# F32 and Jlama-Q4 folders, and llama.cpp (llama-cpp-python, built from source into .venv-llama)
# on the original Q4_1 GGUF and on its F32 dequantization, all on the same rendered RAG prompt
# (about 350 tokens: the sample resume's top 5 excerpts in SmolLM2's chat template) with 2 threads.
#   scripts/bench_llm.sh          # RUNS=5 per model
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
for model in SmolLM2-135M-Instruct SmolLM2-135M-Instruct-JQ4; do
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -Druns="$runs" -cp "$cp" scripts/bench/LlmBench.java "models/llm/$model" \
        "$work/prompt.txt" 2>/dev/null
done
for gguf in SmolLM2-135M-Instruct.Q4_1.gguf SmolLM2-135M-Instruct.F32.gguf; do
    if [ -f "models/llm/.cache/$gguf" ]; then
        .venv-llama/bin/python scripts/llm/bench_llama_cpp.py "models/llm/.cache/$gguf" "$work/prompt.txt" --runs "$runs"
    fi
done
