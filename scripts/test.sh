#!/usr/bin/env bash
# Runs every test of every module. Extra arguments go to Maven, e.g. scripts/test.sh -pl mlportfolio-core.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
find_jdk
require_maven
echo "test.sh: JDK $JAVA_HOME, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')" >&2
mvn -B -ntp verify "$@"
