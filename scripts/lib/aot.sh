# The JDK's ahead-of-time cache (JEP 483 and 514, JDK 25) for the server: classes loaded and
# linked once, in a file the next starts map instead of loading them again (scripts/bench_peer.sh:
# start-up to ready 3.5 s before issue 14, 2.1-2.4 s after, this cache the largest part). The first start through scripts/run.sh records the cache
# while it runs and writes it when the server stops (a few seconds, once); later starts use it.
# The cache is only valid for the same JDK, jars and JVM flags, so the file is named after all
# three and a change of any means a new recording. AOT_CACHE=0 turns it off.
#   aot_begin JAR   sets AOT_FLAGS for the java command line
#   aot_end         after java exited: keeps a completed recording, drops stale caches
AOT_DIR=${AOT_DIR:-work/aot}

aot_begin() {
    local jar=$1 key
    AOT_FLAGS=""
    AOT_RECORDING=""
    [ "${AOT_CACHE:-1}" != 0 ] || return 0
    [ "$(java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null || return 0
    # shellcheck disable=SC2086
    key=$({ echo "$JAVA_HOME"; cat "$JAVA_HOME/release" 2>/dev/null; echo "$JVM_FLAGS ${JAVA_MEMORY_OPTS:-} ${JAVA_OPTS:-}"
            stat -c '%n %s %Y' "$jar" "$(dirname "$jar")"/libs/*; } | sha256sum | cut -c1-16)
    AOT_FILE="$AOT_DIR/server-$key.aot"
    if [ -s "$AOT_FILE" ]; then
        AOT_FLAGS="-XX:AOTCache=$AOT_FILE"
        return 0
    fi
    mkdir -p "$AOT_DIR" || return 0
    # Each recording writes a file of its own; servers started together from one checkout do not
    # write into one another's.
    AOT_RECORDING="$AOT_FILE.$$.recording"
    # The JDK's notes on classes it leaves out (proxies, JFR events) are expected; they stay quiet.
    AOT_FLAGS="-XX:AOTCacheOutput=$AOT_RECORDING -Xlog:aot*=off"
    echo "run.sh: recording the JDK's AOT cache during this run ($AOT_FILE, written when the server stops; later starts are faster)" >&2
}

aot_end() {
    [ -n "${AOT_RECORDING:-}" ] || return 0
    if [ -s "$AOT_RECORDING" ]; then
        mv -f "$AOT_RECORDING" "$AOT_FILE"
        find "$AOT_DIR" -maxdepth 1 -name 'server-*.aot' ! -path "$AOT_FILE" -delete 2>/dev/null || true
    fi
    rm -f "$AOT_RECORDING" "$AOT_RECORDING.config"
}
