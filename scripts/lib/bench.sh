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
