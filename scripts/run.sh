#!/usr/bin/env bash
# Builds what is needed and starts the server on http://localhost:8000 with embedded defaults.
# Configuration comes from environment variables (see README.md), e.g. PORT=9000 scripts/run.sh.
# SKIP_BUILD=1 starts the last build without running Maven. On JDK 25 the first start records the
# JDK's AOT cache in work/aot (scripts/lib/aot.sh) and later starts use it; AOT_CACHE=0 turns it off.
# MLflow: with MLFLOW_TRACKING_URI unset and python3 available, a local MLflow server is started on
# 127.0.0.1 (store and artifacts in work/mlflow, UI at the printed address) and stopped with the
# server; START_MLFLOW=0 skips that and runs with tracking off.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/mlflow.sh
source scripts/lib/aot.sh
find_jdk

jar=mlportfolio-server/target/mlportfolio-server.jar
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
    require_maven
    if [ -f "$jar" ]; then
        echo "run.sh: building with $JAVA_HOME (tests skipped; scripts/test.sh runs them)" >&2
    else
        echo "run.sh: building with $JAVA_HOME (first run: Maven downloads the dependencies, about a minute)" >&2
    fi
    mvn_quiet -DskipTests -pl mlportfolio-server -am package
fi

MLFLOW_PID=""
if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
    if [ "${START_MLFLOW:-1}" = 1 ] && command -v python3 >/dev/null 2>&1 && ensure_mlflow \
            && MLFLOW_PORT="${MLFLOW_PORT:-$(port_free 5000 && echo 5000 || free_port)}" start_mlflow work/mlflow; then
        export MLFLOW_TRACKING_URI="$MLFLOW_URI"
    else
        echo "run.sh: MLflow tracking is off (no MLFLOW_TRACKING_URI, and no local MLflow server started)" >&2
    fi
fi

# Java runs as a child so the MLflow server can be stopped after it; signals are passed on so the
# server still drains and flushes its tracking queue.
# Memory, sized to what the models need (docs/benchmarks.md, issue 14): the serial collector and a
# heap that starts at 16 MiB and grows on demand (the live heap is a few tens of MiB), and two
# malloc arenas for the native libraries' threads instead of eight per core: idle RSS 364 MiB
# before, 266 MiB with these and the embedder's smaller batches (scripts/bench_peer.sh).
# JAVA_MEMORY_OPTS replaces the JVM part (e.g. with "-XX:+UseG1GC -Xmx4g"); JAVA_OPTS comes last
# and wins for anything else.
JAVA_MEMORY_OPTS=${JAVA_MEMORY_OPTS--XX:+UseSerialGC -Xms16m}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
aot_begin "$jar"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS $JAVA_MEMORY_OPTS $AOT_FLAGS ${JAVA_OPTS:-} -jar "$jar" "$@" &
java_pid=$!
trap 'kill -TERM "$java_pid" 2>/dev/null || true' INT TERM
status=0
while :; do
    wait "$java_pid" && status=0 || status=$?
    kill -0 "$java_pid" 2>/dev/null || break
done
aot_end
stop_mlflow
exit "$status"
