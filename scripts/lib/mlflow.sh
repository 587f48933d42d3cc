# Shared by the scripts: a local MLflow tracking server on 127.0.0.1.
# Source it, then:
#   ensure_mlflow            creates .venv-mlflow once with the pinned MLflow; sets MLFLOW_BIN
#   start_mlflow DIR         starts `mlflow server` with its SQLite store and artifacts under DIR on a
#                            free port (MLFLOW_WORKERS server processes, default 1), waits for /health;
#                            sets MLFLOW_URI and MLFLOW_PID
#   stop_mlflow              stops it

source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"

ensure_mlflow() {
    local root venv
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    venv="${MLFLOW_VENV_DIR:-$root/.venv-mlflow}"
    install_venv "$venv" "$root/scripts/requirements-mlflow.txt" || return 1
    MLFLOW_BIN="$venv/bin/mlflow"
    export MLFLOW_BIN
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Free to listen on, as a server that sets SO_REUSEADDR (MLflow's does) sees it: a port whose last
# connections are still in TIME_WAIT after a quick restart counts as free.
port_free() {
    python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); s.close()' "$1" 2>/dev/null
}

start_mlflow() {
    local dir="$1" port i
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    port="${MLFLOW_PORT:-$(free_port)}"
    MLFLOW_DISABLE_TELEMETRY=true "$MLFLOW_BIN" server \
        --backend-store-uri "sqlite:///$dir/mlflow.db" \
        --artifacts-destination "$dir/artifacts" \
        --serve-artifacts \
        --host 127.0.0.1 --port "$port" --workers "${MLFLOW_WORKERS:-1}" \
        > "$dir/server.log" 2>&1 &
    MLFLOW_PID=$!
    MLFLOW_URI="http://127.0.0.1:$port"
    for i in $(seq 1 240); do
        if curl -fsS "$MLFLOW_URI/health" >/dev/null 2>&1; then
            echo "MLflow $("$MLFLOW_BIN" --version | awk '{print $NF}') at $MLFLOW_URI (store and artifacts in $dir)" >&2
            export MLFLOW_URI MLFLOW_PID
            return 0
        fi
        if ! kill -0 "$MLFLOW_PID" 2>/dev/null; then
            break
        fi
        sleep 0.25
    done
    echo "the MLflow server did not start; its log ($dir/server.log) ends with:" >&2
    tail -20 "$dir/server.log" >&2
    stop_mlflow
    return 1
}

stop_mlflow() {
    if [ -n "${MLFLOW_PID:-}" ]; then
        # `mlflow server` runs uvicorn as a child; stop the whole group of its children too.
        pkill -TERM -P "$MLFLOW_PID" 2>/dev/null || true
        kill -TERM "$MLFLOW_PID" 2>/dev/null || true
        wait "$MLFLOW_PID" 2>/dev/null || true
        MLFLOW_PID=""
    fi
}
