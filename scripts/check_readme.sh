#!/usr/bin/env bash
# Runs the commands of README.md and models/README.md that are marked for it, as written, and
# fails when one no longer works. scripts/test.sh runs it after the Maven build.
#
# A marked block is a ```bash block right after a line
#     <!-- readme-test -->            or   <!-- readme-test: expect TEXT && TEXT ... -->
# Each command of the block (a line, with backslash continuations joined) runs from the project
# root with SKIP_BUILD=1 and must exit 0; the block's output must contain every TEXT. A command
# that starts the server (it contains scripts/run.sh) runs in the background with PORT set to a
# free port and START_MLFLOW=0; the block's other commands then reach it through that port
# (localhost:8000 is rewritten) once /rag/health answers 200, and it is stopped after the block.
#   scripts/check_readme.sh [FILE...]      (default: README.md models/README.md)
# CHECK_README_LOGS=DIR keeps each block's output there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
source scripts/lib/mlflow.sh        # free_port
find_jdk
export JAVA_HOME SKIP_BUILD=1
work=$(mktemp -d "${TMPDIR:-/tmp}/mlportfolio-readme.XXXXXX")
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -- "-$server_pid" 2>/dev/null || kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; [ -n "${CHECK_README_LOGS:-}" ] && mkdir -p "$CHECK_README_LOGS" && cp "$work"/*.log "$CHECK_README_LOGS"/; rm -rf "$work"' EXIT

# Prints each marked block as: "@@ BLOCK <file>:<line> <expectations>" then one command per line.
extract() {
    awk -v file="$1" '
        /^<!-- readme-test(:.*)? -->$/ { marked = NR; expect = $0
            sub(/^<!-- readme-test:? ?(expect )?/, "", expect); sub(/ -->$/, "", expect); next }
        marked == NR - 1 && /^```bash$/ { inblock = 1; print "@@ BLOCK " file ":" NR " " expect; next }
        inblock && /^```$/ { inblock = 0; marked = 0; next }
        inblock { line = cont $0; if (line ~ /\\$/) { sub(/\\$/, "", line); cont = line; next } cont = ""; print line }
    ' "$1"
}

failures=0
blocks=0
run_block() {
    local where=$1 expect=$2 output=$3 ok=1 text
    stop_server
    if [ "$ok" = 1 ] && [ -n "$expect" ]; then
        while IFS= read -r text; do
            text=$(echo "$text" | sed 's/^ *//; s/ *$//')
            [ -z "$text" ] && continue
            if ! grep -qF -- "$text" "$output"; then
                echo "check_readme: $where: the output does not contain $text" >&2
                ok=0
            fi
        done < <(echo "$expect" | sed 's/ && /\n/g')
    fi
    return $((1 - ok))
}

for file in "${@:-README.md models/README.md}"; do
    for f in $file; do
        current="" expect="" output="" failed=0
        while IFS= read -r line; do
            if [[ "$line" == "@@ BLOCK "* ]]; then
                if [ -n "$current" ]; then
                    blocks=$((blocks + 1))
                    if [ "$failed" = 1 ] || ! run_block "$current" "$expect" "$output"; then failures=$((failures + 1)); fi
                fi
                read -r _ _ current expect <<<"$line"
                output="$work/block-$((blocks + 1)).log"
                : > "$output"
                failed=0 port=""
                [ "$current" != end ] && echo "check_readme: $current" >&2
                continue
            fi
            [ -z "${line// }" ] && continue
            [ "$failed" = 1 ] && continue
            if [[ "$line" == *scripts/run.sh* ]]; then
                port=$(free_port)
                setsid env PORT="$port" START_MLFLOW=0 bash -c "$line" >>"$output" 2>&1 </dev/null &
                server_pid=$!
                for _ in $(seq 1 360); do
                    curl -fsS -o /dev/null "http://127.0.0.1:$port/rag/health" 2>/dev/null && break
                    kill -0 "$server_pid" 2>/dev/null || break
                    sleep 0.5
                done
                if ! curl -fsS -o /dev/null "http://127.0.0.1:$port/rag/health" 2>/dev/null; then
                    echo "check_readme: $current: the server of \`$line\` did not get ready:" >&2
                    tail -20 "$output" >&2
                    failed=1
                fi
                continue
            fi
            command=$line
            [ -n "${port:-}" ] && command=${command//localhost:8000/127.0.0.1:$port}
            echo "\$ $line" >>"$output"
            if ! bash -c "$command" >>"$output" 2>&1 </dev/null; then
                echo "check_readme: $current: \`$line\` failed:" >&2
                tail -20 "$output" >&2
                failed=1
            fi
        done < <(extract "$f"; echo "@@ BLOCK end")
    done
done
echo "check_readme: $blocks blocks, $failures failed" >&2
[ "$blocks" -gt 0 ] && [ "$failures" = 0 ]
