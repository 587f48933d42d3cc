#!/usr/bin/env bash
# Starts Prometheus on http://127.0.0.1:9090 scraping a server started with scripts/run.sh
# (http://127.0.0.1:${PORT:-8000}), with deploy/prometheus/prometheus.yml pointed at it. Point a
# Grafana at it (data source uid "prometheus") and import deploy/grafana/dashboards/mlportfolio.json,
# or use `docker compose` (deploy/docker-compose.yml), which provisions both.
#   PORT=8000 PROMETHEUS_PORT=9090 scripts/monitor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_package prometheus prometheus
target="127.0.0.1:${PORT:-8000}"
listen="127.0.0.1:${PROMETHEUS_PORT:-9090}"
dir=work/prometheus
mkdir -p "$dir"
python3 - "$target" "$dir/prometheus.yml" "$listen" <<'PY'
import re, sys
target, out, listen = sys.argv[1], sys.argv[2], sys.argv[3]
config = open("deploy/prometheus/prometheus.yml").read()
config, n = re.subn(r"    dns_sd_configs:\n(?:      .*\n)+", "    static_configs:\n      - targets:\n          - %s\n" % target, config)
assert n == 1, "deploy/prometheus/prometheus.yml no longer has the dns_sd_configs block this script replaces"
open(out, "w").write(config.replace("localhost:9090", listen))
PY
echo "monitor.sh: Prometheus on http://$listen scraping http://$target/metrics (data in $dir)" >&2
exec prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="$listen" --log.level=warn
