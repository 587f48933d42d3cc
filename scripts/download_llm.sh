#!/usr/bin/env bash
# Downloads a small Jlama-ready model for generative answers (RAG_MODEL_PATH) from Hugging Face.
#   scripts/download_llm.sh                                  # tjake/Llama-3.2-1B-Instruct-JQ4 (about 1 GB)
#   scripts/download_llm.sh tjake/Qwen2.5-0.5B-Instruct-JQ4  # any Jlama-ready repository
# Then: RAG_MODEL_PATH=models/llm/Llama-3.2-1B-Instruct-JQ4 scripts/run.sh
#
# "JQ4" repositories hold weights Jlama quantized to 4 bits ahead of time; Jlama also loads the
# original safetensors of Llama, Qwen2, Mistral and Gemma models. The machines this project is
# built on reach no model hub, so this script was not run there.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-tjake/Llama-3.2-1B-Instruct-JQ4}
target=${MODELS_DIR:-models/llm}/$(basename "$repo")
base=${HF_ENDPOINT:-https://huggingface.co}
if ! curl -fsS --max-time 20 -o /dev/null "$base/$repo/resolve/main/config.json"; then
    echo "download_llm.sh: cannot reach $base/$repo (no internet, no such repository, or a gated model);" >&2
    echo "copy a Jlama model folder (config.json, tokenizer.json, *.safetensors) to $target by hand instead." >&2
    exit 1
fi
mkdir -p "$target"
for file in config.json tokenizer.json tokenizer_config.json model.safetensors.index.json model.safetensors; do
    url="$base/$repo/resolve/main/$file"
    if curl -fsS --max-time 20 -o /dev/null -r 0-0 "$url" 2>/dev/null; then
        echo "fetching $file"
        curl -fL --retry 3 -o "$target/$file" "$url"
    fi
done
if [ -f "$target/model.safetensors.index.json" ]; then
    for shard in $(grep -o '"[^"]*\.safetensors"' "$target/model.safetensors.index.json" | tr -d '"' | sort -u); do
        echo "fetching $shard"
        curl -fL --retry 3 -o "$target/$shard" "$base/$repo/resolve/main/$shard"
    done
fi
echo "done: RAG_MODEL_PATH=$target scripts/run.sh"
