# Shared by the scripts: finds a JDK 21+ and sets JAVA_HOME, MAVEN_OPTS and JVM_FLAGS.
# Source it; it exits with a clear message when there is no usable JDK or Maven.

# The JDK's major version: from its release file (every JDK 9+ has one; reading it costs nothing,
# while asking each candidate JDK made find_jdk take 0.45 s of every scripts/run.sh start, against
# 0.03 s now, with four JDKs in /usr/lib/jvm), else from java.
java_major() {
    local version
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -1)
    if [ -n "$version" ]; then
        echo "$version"
        return
    fi
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ {print $2; exit}' \
        | cut -d. -f1
}

find_jdk() {
    local candidates=() dir major best="" best_major=0
    if [ -n "${JAVA_HOME:-}" ]; then
        candidates+=("$JAVA_HOME")
    fi
    for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
        [ -d "$dir" ] && candidates+=("$dir")
    done
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    for dir in "${candidates[@]}"; do
        [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
        major=$(java_major "$dir")
        [[ "$major" =~ ^[0-9]+$ ]] || continue
        [ "$major" -ge 21 ] || continue
        # A JAVA_HOME that is new enough wins; otherwise the newest JDK found.
        if [ -n "${JAVA_HOME:-}" ] && [ "$dir" = "$JAVA_HOME" ]; then
            best="$dir"; best_major="$major"; break
        fi
        if [ "$major" -gt "$best_major" ]; then
            best="$dir"; best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        echo "mlportfolio needs a JDK 21 or newer (Helidon 4 and Lucene 10 do); none was found in JAVA_HOME," >&2
        echo "/usr/lib/jvm or on the PATH. Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
        exit 1
    fi
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
    # Maven's bundled Guava calls sun.misc.Unsafe; JDK 24+ warns loudly about it unless told otherwise.
    if [ "$best_major" -ge 24 ]; then
        case " ${MAVEN_OPTS:-} " in
            *sun-misc-unsafe-memory-access*) ;;
            *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
        esac
    fi
    # Jlama needs the Vector API and native access; harmless for the rest.
    export JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
    # The MLflow client's shaded protobuf reads through sun.misc.Unsafe; allowed, JDK 24+ stays quiet.
    if [ "$best_major" -ge 24 ]; then
        JVM_FLAGS="$JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
    fi
}

require_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        echo "mlportfolio builds with Maven 3.8+; 'mvn' is not on the PATH (Debian: apt-get install maven)." >&2
        exit 1
    fi
}

# Maven, quiet: its output (errors only, with -q) goes to stderr without the ANSI reset codes that
# Maven 3.8 writes even with -B (they showed up as "[0m" in scripts' output). Exit status is Maven's.
#   mvn_quiet ARGS...
mvn_quiet() (
    set -o pipefail
    mvn -q -B -ntp "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
)

# OpenCV's own warnings (e.g. "[ WARN:0@0.5] global grfmt_png.cpp:678 read_from_io PNG input buffer
# is incomplete" for a truncated upload) bypass the server's logger; the server already answers such
# uploads with a JSON 4xx, so the scripts keep only OpenCV's errors. (libpng's own "libpng error:"
# lines are printed by libpng itself and cannot be turned off from here.)
export OPENCV_LOG_LEVEL="${OPENCV_LOG_LEVEL:-ERROR}"
