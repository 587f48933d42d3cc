#!/usr/bin/env bash
# Creates .venv-reference: PyTorch, detectron2 built from a checkout, and what CutLER's code imports,
# for scripts/export_cutler_onnx.py and scripts/reference/parity.py. Not used by scripts/test.sh
# (CI cannot reach GitHub); the committed fixtures it records are.
#   scripts/reference/setup.sh DETECTRON2_DIR
# DETECTRON2_DIR is a clone of https://github.com/facebookresearch/detectron2 (run here at 02b5c4e).
# The build takes about 3 minutes on 2 cores; the PyTorch wheel and its CUDA libraries about 3 GB.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/venv.sh
detectron2_dir="${1:?usage: scripts/reference/setup.sh DETECTRON2_DIR}"
venv="${REFERENCE_VENV:-.venv-reference}"
install_venv "$venv" scripts/reference/requirements-reference.txt
if ! "$venv/bin/python" -c "import detectron2" 2>/dev/null; then
    echo "building detectron2 from $detectron2_dir" >&2
    # --no-deps: the pinned requirements above hold everything inference imports.
    MAX_JOBS="${MAX_JOBS:-2}" "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation "$detectron2_dir"
fi
"$venv/bin/python" -c "import torch, detectron2; print('torch', torch.__version__, 'detectron2', detectron2.__version__)"
