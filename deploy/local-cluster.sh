#!/usr/bin/env bash
# A HyperIft cluster on this machine without Docker: Redis plus N silos on loopback.
#   deploy/local-cluster.sh start [N]   build, start Redis and N silos, print the --cluster value
#   deploy/local-cluster.sh stop        stop everything this script started
#   deploy/local-cluster.sh status      show the processes and each silo's /health
# Pids and logs live in $HYPERIFT_LOCAL (default: .local-cluster in the repository).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${HYPERIFT_LOCAL:-$root/.local-cluster}
redis_port=${REDIS_PORT:-6390}
config=${CONFIGURATION:-Release}
silo_bin=$root/src/HyperIft.Silo/bin/$config/net10.0/hyperift-silo

start() {
  local n=${1:-2}
  command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 2; }
  [ -e "$dir/redis.pid" ] && { echo "already running (see $dir); stop it first" >&2; exit 2; }
  mkdir -p "$dir"
  dotnet build "$root/src/HyperIft.Silo" -c "$config" -v quiet -nologo >/dev/null
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  for i in $(seq 0 $((n - 1))); do
    nohup "$silo_bin" --clustering redis --storage redis --redis "127.0.0.1:$redis_port" \
      --silo-port $((11111 + i)) --gateway-port $((30000 + i)) --http-port $((8080 + i)) \
      > "$dir/silo$i.log" 2>&1 &
    echo $! > "$dir/silo$i.pid"
  done
  for i in $(seq 0 $((n - 1))); do
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$((8080 + i))/health" >/dev/null 2>&1 && break; sleep 0.2; done
  done
  status
  echo
  echo "use: hyperift --cluster 127.0.0.1:$redis_port ...   (or export HYPERIFT_CLUSTER=127.0.0.1:$redis_port)"
}

stop() {
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -e "$dir/redis.pid" ]; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
  echo "stopped (logs kept in $dir)"
}

status() {
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    local i=${f##*/silo}; i=${i%.pid}
    local health
    health=$(curl -sf "http://127.0.0.1:$((8080 + i))/health" 2>/dev/null || echo '{"status":"unreachable"}')
    echo "silo $i  pid $(cat "$f")  silo port $((11111 + i))  gateway $((30000 + i))  http $((8080 + i))  $health"
  done
  [ -e "$dir/redis.pid" ] && echo "redis  pid $(cat "$dir/redis.pid")  port $redis_port"
  return 0
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [N] | stop | status" >&2; exit 2 ;;
esac
