#!/usr/bin/env bash
# Runs every test of every module against a real MLflow server that it starts (and stops) on
# 127.0.0.1. Extra arguments go to Maven, e.g. scripts/test.sh -pl mlportfolio-core.
# The first run creates .venv-mlflow with the pinned MLflow (scripts/requirements-mlflow.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/mlflow.sh
find_jdk
require_maven
echo "test.sh: JDK $JAVA_HOME, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')" >&2

ensure_mlflow
mlflow_dir=$(mktemp -d "${TMPDIR:-/tmp}/mlportfolio-test-mlflow.XXXXXX")
trap 'stop_mlflow; rm -rf "$mlflow_dir"' EXIT
start_mlflow "$mlflow_dir"
# The shared server for most tests; tests that stop and restart MLflow start their own with MLFLOW_BIN.
export MLPORTFOLIO_TEST_MLFLOW_URI="$MLFLOW_URI"
export MLPORTFOLIO_MLFLOW_BIN="$MLFLOW_BIN"
export MLPORTFOLIO_REQUIRE_MLFLOW=1

mvn -B -ntp verify "$@"
