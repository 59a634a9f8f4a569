#!/usr/bin/env bash
# A HyperIft cluster on this machine without Docker: Redis plus N silos on loopback.
#   deploy/local-cluster.sh start [N]   build, start Redis and N silos, print the --cluster value
#   deploy/local-cluster.sh add         start one more silo (runs balance their shards onto it at their next step)
#   deploy/local-cluster.sh remove I    stop silo I for good (SIGTERM: it hands its grains over and leaves)
#   deploy/local-cluster.sh stop        stop everything this script started
#   deploy/local-cluster.sh status      show the processes and each silo's /health
# Pids and logs live in $HYPERIFT_LOCAL (default: .local-cluster in the repository). Silo I listens on
# SILO_PORT_BASE+I, GATEWAY_PORT_BASE+I and HTTP_PORT_BASE+I (defaults 11111, 30000, 8080), Redis on
# REDIS_PORT (6390): set them to run beside another cluster. start and add wait for each new silo's
# /health (at most SILO_START_SECONDS, default 60) and fail, naming its log, when it does not come up.
# With REDIS_PASSWORD in the environment (start and stop alike), Redis requires it: redis-server reads it
# from stdin, the silos from the environment, redis-cli from REDISCLI_AUTH — it is on no command line.
# Clients then need REDIS_PASSWORD too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${HYPERIFT_LOCAL:-$root/.local-cluster}
redis_port=${REDIS_PORT:-6390}
silo_port_base=${SILO_PORT_BASE:-11111}
gateway_port_base=${GATEWAY_PORT_BASE:-30000}
http_port_base=${HTTP_PORT_BASE:-8080}
start_seconds=${SILO_START_SECONDS:-60}
config=${CONFIGURATION:-Release}
silo_bin=$root/src/HyperIft.Silo/bin/$config/net10.0/hyperift-silo
# The membership table of the silos' default service and cluster ids (hyperift, hyperift).
members=hyperift/members/hyperift
# silo_endpoint_awaits_verdict, wait_silo_endpoint_free: when a silo may come back on its endpoint.
source "$root/deploy/membership.sh"
if [ -n "${REDIS_PASSWORD:-}" ]; then export REDISCLI_AUTH=$REDIS_PASSWORD; fi

start() {
  local n=${1:-2}
  command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 2; }
  [ -e "$dir/redis.pid" ] && { echo "already running (see $dir); stop it first" >&2; exit 2; }
  require_free "$redis_port" REDIS_PORT
  for i in $(seq 0 $((n - 1))); do require_silo_ports_free "$i"; done
  mkdir -p "$dir"
  dotnet build "$root/src/HyperIft.Silo" -c "$config" -v quiet -nologo >/dev/null
  # AOF under $dir: a Redis restarted without its data strands the silos' membership and every run.
  mkdir -p "$dir/redis"
  if [ -n "${REDIS_PASSWORD:-}" ]; then printf 'requirepass %s\n' "$REDIS_PASSWORD"; fi |
  redis-server - --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$dir/redis" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  rm -f "$dir/stopping"
  export dir silo_bin redis_port members silo_port_base gateway_port_base http_port_base
  for i in $(seq 0 $((n - 1))); do
    nohup bash -c "$(declare -f supervise silo_endpoint_awaits_verdict wait_silo_endpoint_free); supervise $i" > /dev/null 2>&1 &
    echo $! > "$dir/loop$i.pid"
  done
  local up=0
  for i in $(seq 0 $((n - 1))); do wait_healthy "$i" || up=1; done
  status
  [ $up -eq 0 ] || { echo "not every silo came up (see the logs above); '$0 stop' stops the rest" >&2; exit 1; }
  echo
  echo "use: hyperift --cluster 127.0.0.1:$redis_port ...   (or export HYPERIFT_CLUSTER=127.0.0.1:$redis_port)"
}

# One silo under a restart loop, as compose or Kubernetes would run it: a silo that exits (a crash,
# or 75 when it lost its membership row for good) is started again on the same ports until stop —
# after 2 s, and once the cluster no longer lists its predecessor on that endpoint as active (a silo
# back before that is sent calls addressed to the dead one, and runs stall), at most 120 s later.
supervise() { # index
  local i=$1
  while [ ! -e "$dir/stopping" ]; do
    "$silo_bin" --clustering redis --storage redis --redis "127.0.0.1:$redis_port" \
      --silo-port $((silo_port_base + i)) --gateway-port $((gateway_port_base + i)) --http-port $((http_port_base + i)) >> "$dir/silo$i.log" 2>&1 &
    echo $! > "$dir/silo$i.pid"
    local rc=0
    wait $! || rc=$?
    [ -e "$dir/stopping" ] && break
    echo "$(date -u +%FT%TZ) silo $i exited with $rc; restarting once its predecessor is no longer active (at most 120 s)" >> "$dir/silo$i.log"
    sleep 2
    wait_silo_endpoint_free "$redis_port" "$members" "127.0.0.1:$((silo_port_base + i))" 120 \
      || echo "$(date -u +%FT%TZ) silo $i: its predecessor is still active after 120 s; restarting anyway" >> "$dir/silo$i.log"
  done
  rm -f "$dir/silo$i.pid"
}

# One more silo, on the next free index, under its own restart loop; one that does not come up is
# stopped again, so that its loop does not retry for ever and the next add takes its index.
add() {
  [ -e "$dir/redis.pid" ] || { echo "not running (see $dir): start it first" >&2; exit 2; }
  local i=0
  while [ -e "$dir/loop$i.pid" ]; do i=$((i + 1)); done
  require_silo_ports_free "$i"
  export dir silo_bin redis_port members silo_port_base gateway_port_base http_port_base
  nohup bash -c "$(declare -f supervise silo_endpoint_awaits_verdict wait_silo_endpoint_free); supervise $i" > /dev/null 2>&1 &
  echo $! > "$dir/loop$i.pid"
  if ! wait_healthy "$i"; then
    kill "$(cat "$dir/loop$i.pid")" 2>/dev/null || true
    rm -f "$dir/loop$i.pid"
    (remove "$i") >/dev/null 2>&1 || true
    echo "silo $i stopped again; nothing was added" >&2
    exit 1
  fi
  echo "silo $i added: silo port $((silo_port_base + i)), gateway $((gateway_port_base + i)), http $((http_port_base + i))"
}

# True once silo I answers /health as healthy; else says so, with the end of its log, and fails.
wait_healthy() { # index
  local i=$1 deadline=$((SECONDS + start_seconds))
  while [ $SECONDS -lt $deadline ]; do
    curl -sf -m 3 "http://127.0.0.1:$((http_port_base + i))/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "silo $i did not come up: no healthy /health on port $((http_port_base + i)) within $start_seconds s; its log: $dir/silo$i.log" >&2
  tail -n 5 "$dir/silo$i.log" 2>/dev/null | sed 's/^/  /' >&2 || true
  return 1
}

# Another process's port would answer for a silo that failed to bind (its /health, another cluster's).
require_free() { # port variable-that-sets-it
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1 is in use (another cluster?): set $2 to run beside it" >&2
    exit 2
  fi
}
require_silo_ports_free() { # index
  require_free $((silo_port_base + $1)) SILO_PORT_BASE
  require_free $((gateway_port_base + $1)) GATEWAY_PORT_BASE
  require_free $((http_port_base + $1)) HTTP_PORT_BASE
}

# Silo I leaves for good: its loop first (so it is not restarted), then SIGTERM, waited for.
remove() { # index
  local i=${1:?usage: $0 remove I}
  [ -e "$dir/silo$i.pid" ] || { echo "no silo $i (see $dir)" >&2; exit 2; }
  [ -e "$dir/loop$i.pid" ] && { kill "$(cat "$dir/loop$i.pid")" 2>/dev/null || true; rm -f "$dir/loop$i.pid"; }
  local pid
  pid=$(cat "$dir/silo$i.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { echo "silo $i did not stop within 60 s; killing it" >&2; kill -9 "$pid" 2>/dev/null || true; }
  rm -f "$dir/silo$i.pid"
  echo "silo $i removed"
}

# Silos first (they leave the membership table cleanly only while Redis is up), then Redis.
stop() {
  touch "$dir/stopping" 2>/dev/null || true
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    local pid
    pid=$(cat "$f")
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "silo pid $pid did not stop within 60 s; killing it" >&2; kill -9 "$pid" 2>/dev/null || true; }
    rm -f "$f"
  done
  for f in "$dir"/loop*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -e "$dir/redis.pid" ]; then
    # SHUTDOWN (not nosave) rewrites nothing with --save "", but flushes the AOF.
    local redis_pid
    redis_pid=$(cat "$dir/redis.pid")
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    # Refused (a password not in REDIS_PASSWORD) or hung: SIGTERM also saves and exits.
    for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$redis_pid" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
  rm -f "$dir/stopping"
  echo "stopped (logs and Redis data kept in $dir)"
}

status() {
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    local i=${f##*/silo}; i=${i%.pid}
    local health
    health=$(curl -sf "http://127.0.0.1:$((http_port_base + i))/health" 2>/dev/null || echo '{"status":"unreachable"}')
    echo "silo $i  pid $(cat "$f")  silo port $((silo_port_base + i))  gateway $((gateway_port_base + i))  http $((http_port_base + i))  $health"
  done
  [ -e "$dir/redis.pid" ] && echo "redis  pid $(cat "$dir/redis.pid")  port $redis_port"
  return 0
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  add) add ;;
  remove) remove "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [N] | add | remove I | stop | status" >&2; exit 2 ;;
esac
