# Shared by the scripts: creates .venv once and installs the pinned Python tools into it.
# Source it, then call ensure_venv; afterwards $VENV_PYTHON runs the venv's Python.

ensure_venv() {
    local root requirements stamp
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    requirements="$root/scripts/requirements-tools.txt"
    VENV_DIR="${VENV_DIR:-$root/.venv}"
    VENV_PYTHON="$VENV_DIR/bin/python"
    stamp="$VENV_DIR/.requirements-tools.sha256"
    if ! command -v python3 >/dev/null 2>&1; then
        echo "this script needs python3 (3.10 or newer) to create $VENV_DIR" >&2
        return 1
    fi
    if [ ! -x "$VENV_PYTHON" ]; then
        echo "creating $VENV_DIR" >&2
        python3 -m venv "$VENV_DIR"
    fi
    if [ ! -f "$stamp" ] || ! sha256sum --quiet -c "$stamp" >/dev/null 2>&1; then
        echo "installing $(basename "$requirements") into $VENV_DIR" >&2
        "$VENV_PYTHON" -m pip install -q --disable-pip-version-check -r "$requirements"
        sha256sum "$requirements" > "$stamp"
    fi
    export VENV_PYTHON
}
