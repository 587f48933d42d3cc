#!/usr/bin/env bash
# Builds what is needed and starts the server on http://localhost:8000 with embedded defaults.
# Configuration comes from environment variables (see README.md), e.g. PORT=9000 scripts/run.sh.
# SKIP_BUILD=1 starts the last build without running Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
find_jdk

jar=mlportfolio-server/target/mlportfolio-server.jar
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
    require_maven
    echo "run.sh: building with $JAVA_HOME (tests skipped; scripts/test.sh runs them)" >&2
    mvn -q -B -ntp -DskipTests -pl mlportfolio-server -am package
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $JVM_FLAGS ${JAVA_OPTS:-} -jar "$jar" "$@"
