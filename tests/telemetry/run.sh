#!/usr/bin/env bash
# Operator checks: a silo process bound beyond loopback with an HTTP token is healthy, guards
# /dashboard/ and /metrics with the token (curl: 401 without, 200 with), its Orleans Dashboard renders in
# headless Chromium (checked in the rendered DOM), its Prometheus endpoint carries plausible HyperIft
# metrics after a short run, a real Prometheus (Debian's) scraping it with deploy/prometheus.yml's job
# sees the run's steps through its query API, and docker-compose.yml validates offline. Every process
# started is stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${CONFIGURATION:-Release}
work=$(mktemp -d /tmp/hyperift-telemetry.XXXXXX)
pids=()
passed=0
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; { wait; } 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "telemetry: FAILED: $*" >&2; tail -30 "$work/silo.log" >&2 || true; exit 1; }
ok() { echo "telemetry: ok: $*"; passed=$((passed + 1)); }

for project in src/HyperIft.Silo src/HyperIft.Cli; do dotnet build "$project" -c "$config" -v quiet -nologo >/dev/null; done
http=18190 prometheus_port=19190
token=telemetry-$RANDOM-$RANDOM
printf '%s\n' "$token" > "$work/http-token"
# 0.0.0.0: beyond loopback, which the silo allows only with a token.
src/HyperIft.Silo/bin/$config/net10.0/hyperift-silo --clustering localhost --silo-port 21190 --gateway-port 31190 \
  --http-host 0.0.0.0 --http-port $http --http-token-file "$work/http-token" --cluster-id telemetry-test > "$work/silo.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$http/health" >/dev/null 2>&1 && break; sleep 0.2; done

# 1. /health
curl -sf "http://127.0.0.1:$http/health" | grep -q '"status":"healthy"' || fail "/health is not healthy"
ok "/health reports healthy"

# 1b. The token guards what must not face a network; the probes stay open.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
base=http://127.0.0.1:$http
[ "$(code "$base/metrics")" = 401 ] || fail "/metrics without the token is not 401"
[ "$(code "$base/dashboard/")" = 401 ] || fail "/dashboard/ without the token is not 401"
[ "$(code -H "Authorization: Bearer wrong-$token" "$base/metrics")" = 401 ] || fail "/metrics with a wrong token is not 401"
[ "$(code -H "Authorization: Bearer $token" "$base/metrics")" = 200 ] || fail "/metrics with the bearer token is not 200"
[ "$(code -u "operator:$token" "$base/dashboard/")" = 200 ] || fail "/dashboard/ with basic auth is not 200"
[ "$(code "$base/alive")" = 200 ] || fail "/alive is not open"
ok "/dashboard/ and /metrics: 401 without the token or with a wrong one, 200 with it (bearer or basic); /health and /alive open"

# A real Prometheus with deploy/prometheus.yml's silo job (its bearer token from a file), pointed at this silo.
/usr/bin/python3 - deploy/prometheus.yml "$work/prometheus.yml" "$http" "$work/http-token" <<'PY' || fail "deploy/prometheus.yml has no usable hyperift-silos job"
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
job = next(j for j in config["scrape_configs"] if j["job_name"] == "hyperift-silos")
job["static_configs"] = [{"targets": [f"127.0.0.1:{sys.argv[3]}"]}]
job["authorization"]["credentials_file"] = sys.argv[4]
config["scrape_configs"] = [job]
config["global"]["scrape_interval"] = "1s"
yaml.safe_dump(config, open(sys.argv[2], "w"))
PY
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address=127.0.0.1:$prometheus_port > "$work/prometheus.log" 2>&1 &
pids+=($!)

# 2. The dashboard, rendered: its script must have filled in the overview.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chromium" --virtual-time-budget=10000 \
  --dump-dom "http://operator:$token@127.0.0.1:$http/dashboard/" 2>/dev/null > "$work/dashboard.html" || fail "chromium could not render the dashboard"
grep -q "Total Activations" "$work/dashboard.html" || grep -qi "TOTAL ACTIVATIONS" "$work/dashboard.html" \
  || fail "the rendered dashboard has no overview (no 'Total Activations')"
grep -q "Active Silos" "$work/dashboard.html" || fail "the rendered dashboard shows no silos"
ok "/dashboard/ renders its overview in headless Chromium"

# 3. A short run, then the Prometheus scrape.
HYPERIFT_CLUSTER_ID=telemetry-test src/HyperIft.Cli/bin/$config/net10.0/hyperift tune --model logistic --hyper l2-feature \
  --train synthetic:n=1000,p=8,seed=1 --steps 4 --run-id telemetry-run --output "$work/run" --cluster localhost:31190 \
  > /dev/null 2> "$work/tune.log" || fail "the tuning run failed: $(tail -3 "$work/tune.log")"
sleep 1
curl -sf -H "Authorization: Bearer $token" "$base/metrics" > "$work/metrics.txt" || fail "no /metrics endpoint"
/usr/bin/python3 - "$work/metrics.txt" <<'PY' || fail "implausible HyperIft metrics"
import math, re, sys
text = open(sys.argv[1]).read()
def value(name):
    m = re.search(rf'^{name}\{{[^}}]*run="telemetry-run"[^}}]*\}} (\S+)', text, re.M)
    if not m: sys.exit(f"no {name} for the run")
    return float(m.group(1))
steps, loss, grad = value("hyperift_outer_steps_total"), value("hyperift_validation_loss"), value("hyperift_hypergradient_norm")
cg = value("hyperift_cg_iterations_count")
assert steps == 4, steps
assert math.isfinite(loss) and 0 < loss < 1, loss
assert math.isfinite(grad) and grad > 0, grad
assert cg >= 4, cg
assert re.search(r'^hyperift_hvp_fanout_duration_milliseconds_count\{[^}]*\} [1-9]', text, re.M), "no HVP latency"
assert re.search(r'^orleans_catalog_activations', text, re.M), "no Orleans meter"
print(f"telemetry: metrics: steps {steps:g}, validation loss {loss:.4f}, ‖dg/dλ‖ {grad:.3g}, {cg:g} solves")
PY
ok "/metrics exposes the HyperIft and Orleans meters with plausible values"

# 3b. Prometheus itself: the silo target is up (the token worked) and its query API has the run's 4 steps.
query() { curl -sf "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1"; }
scraped=""
for _ in $(seq 60); do
  if /usr/bin/python3 - "$(query 'up{job="hyperift-silos"}' || echo '{}')" \
       "$(query 'hyperift_outer_steps_total{run="telemetry-run"}' || echo '{}')" \
       "$(query 'hyperift_validation_loss{run="telemetry-run"}' || echo '{}')" <<'PY'
import json, math, sys
def values(text):
    data = json.loads(text).get("data", {}).get("result", [])
    return [float(r["value"][1]) for r in data]
up, steps, loss = (values(t) for t in sys.argv[1:4])
sys.exit(0 if up == [1.0] and steps == [4.0] and len(loss) == 1 and math.isfinite(loss[0]) and 0 < loss[0] < 1 else 1)
PY
  then scraped=yes; break; fi
  sleep 0.5
done
[ -n "$scraped" ] || { tail -5 "$work/prometheus.log" >&2; fail "Prometheus did not see the run: up $(query 'up{job="hyperift-silos"}'), steps $(query 'hyperift_outer_steps_total{run="telemetry-run"}')"; }
ok "Prometheus $(prometheus --version 2>&1 | awk 'NR==1 {print $3}') scrapes the silo with the token; its query API counts the run's 4 steps, validation loss finite"

# 4. docker-compose.yml is valid (offline: no engine is needed to check it), and so are the
#    Kubernetes manifests, the collector, Prometheus and Grafana files it mounts.
docker-compose -f docker-compose.yml config -q || fail "docker-compose.yml does not validate"
# Grafana allows anonymous viewers: nothing may be published beyond loopback.
exposed=$(docker-compose -f docker-compose.yml config | /usr/bin/python3 -c '
import sys, yaml
for name, service in (yaml.safe_load(sys.stdin).get("services") or {}).items():
    for port in service.get("ports") or []:
        ip = port.get("host_ip") if isinstance(port, dict) else str(port).rsplit(":", 2)[0] if str(port).count(":") == 2 else ""
        if ip != "127.0.0.1": print(f"{name}: {port}")')
[ -z "$exposed" ] || fail "docker-compose.yml publishes ports beyond 127.0.0.1: $exposed"
ok "docker-compose.yml validates and publishes on 127.0.0.1 only"
/usr/bin/python3 - <<'PY' || fail "a deploy file does not parse or lacks what it must hold"
import json, yaml
kinds = [d["kind"] for d in yaml.safe_load_all(open("deploy/k8s/hyperift.yaml"))]
assert kinds == ["Secret", "Secret", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget"], kinds
for f in ["deploy/otel-collector.yaml", "deploy/prometheus.yml",
          "deploy/grafana/provisioning/datasources/prometheus.yaml", "deploy/grafana/provisioning/dashboards/hyperift.yaml"]:
    yaml.safe_load(open(f))
dash = json.load(open("deploy/grafana/dashboards/hyperift.json"))
exprs = " ".join(t["expr"] for p in dash["panels"] for t in p["targets"])
for metric in ["hyperift_validation_loss", "hyperift_hypergradient_norm", "hyperift_cg_iterations",
               "hyperift_hvp_fanout_duration", "orleans_catalog_activations"]:
    assert metric in exprs, metric
PY
ok "k8s manifests, collector, Prometheus and Grafana files parse; the dashboard shows the run metrics"
echo "telemetry: $passed passed, 0 failed"
