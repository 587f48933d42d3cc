#!/usr/bin/env bash
# This project against CutLER's own predictor (scripts/reference/parity.py), on the real graph.
#   scripts/reference/parity.sh CUTLER_DIR WEIGHTS.pth MODEL.onnx [parity.py options] IMAGE...
# Needs .venv-reference (scripts/reference/setup.sh DETECTRON2_DIR) and the ONNX file exported from
# WEIGHTS.pth by scripts/export_cutler_onnx.py. Builds the project when its jars are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/env.sh
find_jdk
cutler_dir="${1:?usage: parity.sh CUTLER_DIR WEIGHTS.pth MODEL.onnx [options] IMAGE...}"
weights="${2:?weights}"
onnx="${3:?onnx file}"
shift 3
if [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
    require_maven
    mvn_quiet -DskipTests package -pl mlportfolio-examples -am
fi
export JAVA="$JAVA_HOME/bin/java" JVM_FLAGS
export MLPORTFOLIO_CLASSPATH="mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*"
exec .venv-reference/bin/python scripts/reference/parity.py --cutler-dir "$cutler_dir" --weights "$weights" \
    --onnx "$onnx" "$@"
