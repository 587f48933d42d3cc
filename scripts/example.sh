#!/usr/bin/env bash
# Builds mlportfolio-examples and runs one of its programs, e.g.
#   scripts/example.sh DetectObjects models/test-cutler-colors.onnx photo.jpg out/
#   scripts/example.sh IdentifyImages photo.jpg notes.pdf
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
find_jdk
if [ $# -lt 1 ]; then
    echo "usage: scripts/example.sh DetectObjects|IdentifyImages ARGS..." >&2
    exit 64
fi
program=$1
shift
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f mlportfolio-examples/target/mlportfolio-examples.jar ]; then
    require_maven
    mvn -q -B -ntp -DskipTests -pl mlportfolio-examples -am package
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
    "dev.mlportfolio.examples.$program" "$@"
