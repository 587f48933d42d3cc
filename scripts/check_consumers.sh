#!/usr/bin/env bash
# The library as its users get it: for each capability, a fresh Maven project (no parent, nothing of
# this build but the installed artifacts) made from README.md's dependency block and program block
# as written, compiled and run from the project root on the test model, the sample resume, the real
# SmolLM2 model and a real MLflow; and README.md's GPU and platform blocks resolved (their trees
# only: the CUDA jar is 445 MB). Fails when a program does not compile, does not print what its
# marker expects, a class is in two jars of a classpath, Helidon reaches a library user, or a
# published POM still names a parent. Prints each runtime classpath's size (docs/benchmarks.md).
#   scripts/check_consumers.sh     (after mvn install; scripts/test.sh runs it)
# Markers and block format: scripts/consumers/readme_blocks.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/mlflow.sh
find_jdk
require_maven
export JAVA_HOME

out=mlportfolio-examples/target/consumers
rm -rf "$out"
mkdir -p "$out"
python3 scripts/consumers/readme_blocks.py README.md "$out"

# The published POMs: flattened, so a user resolves neither our parent nor Helidon's BOM.
repo=${MAVEN_REPOSITORY:-$HOME/.m2/repository}
version=$(sed -n 's|^    <version>\(.*\)</version>|\1|p' pom.xml | head -1)
failures=0
for artifact in core detection rag generation tracking; do
    pom="$repo/dev/mlportfolio/mlportfolio-$artifact/$version/mlportfolio-$artifact-$version.pom"
    if [ ! -f "$pom" ]; then
        echo "check_consumers: $pom is not installed (run mvn install first)" >&2
        exit 2
    fi
    if grep -q -e '<parent>' -e 'helidon' -e '\${' "$pom"; then
        echo "check_consumers: the installed mlportfolio-$artifact POM names a parent, Helidon or a property" >&2
        failures=$((failures + 1))
    fi
done

mlflow_dir=""
trap 'if [ -n "$mlflow_dir" ]; then stop_mlflow; rm -rf "$mlflow_dir"; fi' EXIT
if [ -n "${MLPORTFOLIO_TEST_MLFLOW_URI:-}" ]; then
    MLFLOW_URI=$MLPORTFOLIO_TEST_MLFLOW_URI
else
    ensure_mlflow
    mlflow_dir=$(mktemp -d "${TMPDIR:-/tmp}/mlportfolio-consumers-mlflow.XXXXXX")
    start_mlflow "$mlflow_dir"
fi
export MLFLOW_URI
scripts/fetch_llm.sh   # the real SmolLM2 for the generation program; reused when present

# A consumer's POM: its README dependencies (and the logging binding for programs), nothing else.
write_pom() {
    local folder=$1 name=$2 logging=$3
    {
        cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
    <modelVersion>4.0.0</modelVersion>
    <groupId>example.consumer</groupId>
    <artifactId>consumer-$name</artifactId>
    <version>1</version>
    <properties>
        <maven.compiler.release>21</maven.compiler.release>
        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    </properties>
    <dependencies>
EOF
        cat "$folder/deps.xml"
        [ "$logging" = 1 ] && cat "$out/logging/deps.xml"
        cat <<EOF
    </dependencies>
    <build>
        <plugins>
            <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
            <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
            <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
        </plugins>
    </build>
</project>
EOF
    } > "$folder/pom.xml"
}

for folder in "$out"/*/; do
    folder=${folder%/}
    name=$(basename "$folder")
    [ "$name" = logging ] && continue
    if [ -f "$folder/main-class" ]; then
        write_pom "$folder" "$name" 1
        log="$folder/build.log"
        if ! mvn -B -ntp -f "$folder/pom.xml" compile dependency:build-classpath \
                -Dmdep.outputFile=classpath.txt -Dmdep.includeScope=runtime >"$log" 2>&1; then
            echo "check_consumers: $name: the README's program does not build:" >&2
            grep -E 'ERROR' "$log" | head -20 >&2
            failures=$((failures + 1))
            continue
        fi
        python3 scripts/consumers/classpath_report.py "$name" "$folder/classpath.txt" || failures=$((failures + 1))
        # The README's JVM flags, each only where it says: detection runs without the Vector API.
        flags=(--enable-native-access=ALL-UNNAMED)
        case $name in rag | generation) flags+=(--add-modules jdk.incubator.vector) ;; esac
        case $name in tracking | generation) [ "$(java_major "$JAVA_HOME")" -ge 24 ] && flags+=(--sun-misc-unsafe-memory-access=allow) ;; esac
        line=$(cat "$folder/args")
        read -r -a args <<<"${line//\$MLFLOW_URI/$MLFLOW_URI}"
        expect=$(cat "$folder/expect")
        run_log="$folder/run.log"
        classpath=$(tr ':' '\n' <"$folder/classpath.txt" | grep '\.jar$' | paste -sd:)
        if ! "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$folder/target/classes:$classpath" \
                "$(cat "$folder/main-class")" "${args[@]}" >"$run_log" 2>&1; then
            echo "check_consumers: $name: the README's program failed:" >&2
            tail -20 "$run_log" >&2
            failures=$((failures + 1))
        elif ! grep -qF -- "$expect" "$run_log"; then
            echo "check_consumers: $name: the program's output does not contain \"$expect\":" >&2
            tail -20 "$run_log" >&2
            failures=$((failures + 1))
        else
            echo "check_consumers: $name: ran, printed \"$expect\"" >&2
        fi
    else
        write_pom "$folder" "$name" 0
        tree="$folder/tree.txt"
        if ! mvn -B -ntp -f "$folder/pom.xml" dependency:tree -DoutputFile=tree.txt >"$folder/build.log" 2>&1; then
            echo "check_consumers: $name: the README's dependencies do not resolve:" >&2
            grep -E 'ERROR' "$folder/build.log" | head -20 >&2
            failures=$((failures + 1))
            continue
        fi
        wanted=$(cat "$folder/resolve") unwanted=$(cat "$folder/absent")
        if ! grep -qF -- "$wanted" "$tree" || grep -qF -- "$unwanted" "$tree"; then
            echo "check_consumers: $name: the tree should hold $wanted and no $unwanted:" >&2
            cat "$tree" >&2
            failures=$((failures + 1))
        else
            echo "check_consumers: $name: resolves to $wanted, without $unwanted" >&2
        fi
    fi
done
echo "check_consumers: $(find "$out" -mindepth 1 -maxdepth 1 -type d ! -name logging | wc -l) consumers, $failures failures" >&2
[ "$failures" = 0 ]
