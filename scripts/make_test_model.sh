#!/usr/bin/env bash
# Regenerates models/test-cutler-colors.onnx (see scripts/make_test_model.py) in the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/venv.sh
ensure_venv
"$VENV_PYTHON" scripts/make_test_model.py models/test-cutler-colors.onnx
