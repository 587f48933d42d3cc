# Shared by the scripts: Debian packages the tests run for real (Prometheus, nginx, Redis).
#   ensure_package COMMAND PACKAGE   installs PACKAGE with apt-get when COMMAND is missing (root only)

ensure_package() {
    local command="$1" package="$2"
    if command -v "$command" >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "$command is missing: install Debian's $package package (apt-get install $package)" >&2
        return 1
    fi
    echo "installing Debian's $package package" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "$package" >/dev/null
    fi
    command -v "$command" >/dev/null 2>&1
}
