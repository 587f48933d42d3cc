#!/usr/bin/env bash
# Builds mlportfolio-examples and runs one of its programs, e.g.
#   scripts/example.sh DetectObjects models/test-cutler-colors.onnx data/samples/shapes.jpg out/
#   scripts/example.sh IdentifyImages data/samples/shapes.jpg data/samples/notes.pdf
# Without arguments, or with a name it does not know, it lists the programs (exit status 2).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
find_jdk
# Each program with its arguments (the programs print the same line for wrong arguments).
programs=(
    "DetectObjects MODEL.onnx IMAGE OUTPUT_DIR [THRESHOLD]"
    "IdentifyImages FILE..."
    "EvaluateRag RESUME QUESTIONS.tsv WORK_DIR [JLAMA_MODEL_DIR [excerpts|whole-documents]]"
    "QuantizeModel MODEL_DIR OUT_DIR"
)
usage() {
    echo "usage: scripts/example.sh PROGRAM ARGS..., one of:" >&2
    printf '  %s\n' "${programs[@]}" >&2
    exit 2
}
[ $# -ge 1 ] || usage
program=$1
shift
known=0
for line in "${programs[@]}"; do
    [ "${line%% *}" = "$program" ] && known=1
done
if [ "$known" = 0 ]; then
    echo "scripts/example.sh: no program named $program" >&2
    usage
fi
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
    require_maven
    mvn_quiet -DskipTests -pl mlportfolio-examples -am package
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
    "dev.mlportfolio.examples.$program" "$@"
