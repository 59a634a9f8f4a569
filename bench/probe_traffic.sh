#!/usr/bin/env bash
# What faster failure detection costs: an idle 3-silo local cluster (Redis), once per probe timeout;
# pings and silo-to-silo bytes sent per second, summed over the silos' /metrics over 60 s.
# usage: bench/probe_traffic.sh [SECONDS ...]   (probe timeouts; default: "5 1", Orleans' and ours)
set -euo pipefail
cd "$(dirname "$0")/.."
timeouts=${*:-5 1}
window=${WINDOW:-60}
export HYPERIFT_LOCAL=${HYPERIFT_LOCAL:-$PWD/bench/results/probe-traffic/cluster}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
trap 'bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
sample() { # prints: pings sent, silo-to-silo bytes sent (all silos)
  for port in 8080 8081 8082; do curl -s "http://127.0.0.1:$port/metrics"; done | awk '
    /^orleans_messaging_pings_sent_total/ { pings += $NF }
    /^orleans_messaging_sent_messages_size_bytes_sum/ && /SiloToSilo/ { bytes += $NF }
    END { printf "%d %d\n", pings, bytes }'
}
for t in $timeouts; do
  HyperIft__ProbeTimeout=$t bash deploy/local-cluster.sh start 3 >/dev/null
  sleep 15 # joined and settled
  read -r p0 b0 < <(sample)
  sleep "$window"
  read -r p1 b1 < <(sample)
  awk -v t="$t" -v p=$((p1 - p0)) -v b=$((b1 - b0)) -v w="$window" \
    'BEGIN { printf "probe timeout %s s: %.2f pings/s and %.0f B/s silo-to-silo over 3 idle silos (%.2f pings/s a silo)\n", t, p / w, b / w, p / w / 3 }'
  bash deploy/local-cluster.sh stop >/dev/null
done
