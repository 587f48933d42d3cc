#!/usr/bin/env bash
# Mutation testing of the core with PIT (DEFAULTS mutators, JUnit 5 plugin; the "mutation" profile
# of mlportfolio-core/pom.xml): each mutant is a small change to the compiled code, and a test
# suite that does not fail on it has not checked that behaviour. Not part of scripts/test.sh.
#   scripts/mutation.sh                 # detect, image, rag (all of rag's sub-packages) and internal
#   scripts/mutation.sh detect image    # only these packages of dev.mlportfolio.core
# Writes mlportfolio-core/target/pit-reports/index.html (per line) and mutations.csv, and prints the
# score per package: mutants detected (killed, or timed out) over all mutants, uncovered ones included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/venv.sh
find_jdk
require_maven
# Pillow for PillowBilinearTest (our resize against Pillow's own), as scripts/test.sh does: without it
# that test skips and every mutant of the resize survives.
ensure_venv
export MLPORTFOLIO_PILLOW_PYTHON="$VENV_PYTHON"

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
    packages=(detect image rag internal)
fi
classes=""
for p in "${packages[@]}"; do
    classes="${classes:+$classes,}dev.mlportfolio.core.$p.*"
done

# PIT's time limit per mutant is 1.25 x the test's normal time plus this constant. The RAG tests load
# MiniLM and build an index before their first test, which a mutant run can charge to a test whose
# normal time did not include it: with 1.5 s nearly every rag mutant "timed out" (counted as killed).
timeout=1500
for p in "${packages[@]}"; do
    case "$p" in rag*) timeout=10000 ;; esac
done

start=$(date +%s)
mvn -B -ntp -q -Pmutation -pl mlportfolio-core test-compile org.pitest:pitest-maven:mutationCoverage \
    -DtargetClasses="$classes" -Dpit.timeoutConstant="$timeout"
echo "mutation.sh: PIT took $(( $(date +%s) - start )) s for $classes" >&2

python3 - mlportfolio-core/target/pit-reports/mutations.csv <<'PY'
import collections, csv, sys
detected = {"KILLED", "TIMED_OUT", "MEMORY_ERROR"}
rows = collections.defaultdict(collections.Counter)
with open(sys.argv[1], newline="") as f:
    for row in csv.reader(f):
        package = row[1].rsplit(".", 1)[0].replace("dev.mlportfolio.core.", "")
        rows[package][row[5]] += 1
print(f"{'package':<20} {'mutants':>8} {'detected':>9} {'survived':>9} {'no cover':>9} {'score':>7}")
for package in sorted(rows):
    c = rows[package]
    total = sum(c.values())
    found = sum(c[s] for s in detected)
    print(f"{package:<20} {total:>8} {found:>9} {c['SURVIVED']:>9} {c['NO_COVERAGE']:>9} {100 * found / total:>6.1f}%")
PY
