# Shared by the scripts: Python virtualenvs with pinned requirements, created once and refreshed
# when the requirements file changes.
#   install_venv DIR REQUIREMENTS   creates DIR (if missing) and installs REQUIREMENTS into it
#   ensure_venv                     .venv with scripts/requirements-tools.txt; sets VENV_PYTHON

install_venv() {
    local venv="$1" requirements="$2" stamp
    stamp="$venv/.$(basename "$requirements" .txt).sha256"
    if ! command -v python3 >/dev/null 2>&1; then
        echo "python3 (3.10 or newer) is needed to create $venv" >&2
        return 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        echo "creating $venv" >&2
        python3 -m venv "$venv"
    fi
    if [ ! -f "$stamp" ] || ! sha256sum --quiet -c "$stamp" >/dev/null 2>&1; then
        echo "installing $(basename "$requirements") into $venv (from PyPI; up to a minute, once)" >&2
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
        sha256sum "$requirements" > "$stamp"
    fi
}

ensure_venv() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    VENV_DIR="${VENV_DIR:-$root/.venv}"
    VENV_PYTHON="$VENV_DIR/bin/python"
    install_venv "$VENV_DIR" "$root/scripts/requirements-tools.txt"
    export VENV_PYTHON
}
