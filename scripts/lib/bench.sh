# Shared by the benchmark scripts.

# Installs Debian's wrk when it is missing and we may (root); otherwise says how.
ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq wrk >/dev/null
    else
        echo "this benchmark needs wrk (apt-get install wrk)" >&2
        exit 1
    fi
}

# Runs wrk for a warm-up of 5 s, lets the requests it dropped finish, then runs it for DURATION
# seconds, and prints one line:
# "<label>: <requests/s> req/s, p50 <t>, p99 <t>" plus any error counts.
#   wrk_report LABEL CLIENTS URL [LUA_SCRIPT]
wrk_report() {
    local label=$1 clients=$2 url=$3 script=${4:-} threads warm pause result
    threads=$(( clients < 2 ? 1 : 2 ))
    local args=(-t"$threads" -c"$clients" --timeout 60s)
    [ -n "$script" ] && args+=(-s "$script")
    warm=$(wrk "${args[@]}" -d5s --latency "$url")
    # wrk drops the requests in flight when its time is up, and the server still answers them: let
    # those finish before measuring (each took at most about the warm-up's p99; at most 10 s), or
    # a slow endpoint at many clients spends the first seconds of the run on abandoned work.
    pause=$(echo "$warm" | awk '$1 == "99%" {v = $2
        s = (v ~ /us$/) ? v / 1e6 : ((v ~ /ms$/) ? v / 1000 : ((v ~ /m$/) ? v * 60 : v + 0))
        if (s > 10) s = 10
        printf "%.3f", s}')
    sleep "${pause:-0}"
    result=$(wrk "${args[@]}" -d"${DURATION:-20}s" --latency "$url")
    printf '%s: %s req/s, p50 %s, p99 %s %s\n' "$label" \
        "$(echo "$result" | awk '/Requests\/sec/ {print $2}')" \
        "$(echo "$result" | awk '$1 == "50%" {print $2}')" \
        "$(echo "$result" | awk '$1 == "99%" {print $2}')" \
        "$(echo "$result" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')"
}

# Common start of a benchmark script: JDK, wrk, the server and examples jars (unless SKIP_BUILD=1),
# a scratch folder. Sets BENCH_CP (the examples' class path, for the scripts/bench/*.java harnesses)
# and work; a script that starts a server keeps its pid in server_pid, and bench_cleanup (run on
# exit) stops it and removes work. Scripts with more to clean up wrap bench_cleanup in their own trap.
bench_setup() {
    find_jdk
    ensure_wrk
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        require_maven
        mvn_quiet -DskipTests -pl mlportfolio-server,mlportfolio-examples -am package
    fi
    BENCH_CP="mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*"
    work=$(mktemp -d)
    server_pid=""
    trap bench_cleanup EXIT
}

bench_cleanup() {
    if [ -n "${server_pid:-}" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}

# A wrk script that POSTs the JPEG named by $BENCH_IMAGE as a raw image/jpeg body.
#   write_image_post FILE
write_image_post() {
    cat > "$1" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "image/jpeg"
local f = assert(io.open(os.getenv("BENCH_IMAGE"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA
}

# The evaluation questions in QUESTIONS (one per line) and a wrk script posting them in turn to
# /rag/query in turn, read from the file BENCH_QUESTIONS names (export BENCH_QUESTIONS=QUESTIONS).
#   write_rag_post LUA-FILE QUESTIONS
write_rag_post() {
    grep -v '^#' data/eval/resume_qa.tsv | tail -n +2 | cut -f1 > "$2"
    cat > "$1" <<'LUA'
local questions = {}
for line in io.lines(os.getenv("BENCH_QUESTIONS")) do
    questions[#questions + 1] = '{"query": "' .. line:gsub('"', '\\"') .. '"}'
end
local i = 0
request = function()
    i = i % #questions + 1
    return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, questions[i])
end
LUA
}

# The pids of a process's children, their children and so on, one per line.
#   descendants PID
descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        echo "$child"
        descendants "$child"
    done
}
