#!/usr/bin/env bash
# deploy/local-cluster.sh reports a silo as started only when it is: on loopback, beside any other
# cluster (its own Redis port and port bases, all overridable):
#   1. start refuses at once when a port it needs is held by another process;
#   2. add fails, and leaves nothing running, when a foreign server holds the new silo's HTTP port
#      (that server's /health would otherwise answer for a silo that never bound);
#   3. add fails, naming the silo's log, when the new silo cannot bind (a socket holds its HTTP port
#      without listening, so only the silo itself finds out), and stops its restart loop;
#   4. then add, with the port free, brings the silo up under the index the failures left free.
# Every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/hyperift-lc.XXXXXX)
export HYPERIFT_LOCAL=$work/cluster
export REDIS_PORT=${REDIS_PORT:-6470}
export SILO_PORT_BASE=${SILO_PORT_BASE:-22611} GATEWAY_PORT_BASE=${GATEWAY_PORT_BASE:-32611} HTTP_PORT_BASE=${HTTP_PORT_BASE:-18611}
holders=()
passed=0

cleanup() {
  for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null || true; done
  bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "multiprocess: FAILED: $*" >&2; for f in "$work"/*.out "$HYPERIFT_LOCAL"/silo*.log; do [ -e "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done >&2; exit 1; }
ok() { echo "multiprocess: ok: $*"; passed=$((passed + 1)); }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A foreign server on PORT: it answers /health with 404, as another program on that port would.
hold_with_server() { # port
  python3 -m http.server --bind 127.0.0.1 "$1" >/dev/null 2>&1 &
  holders+=($!)
  for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
  fail "the foreign server on port $1 did not start"
}
# A socket bound to PORT that does not listen: connecting is refused, binding fails.
hold_bound() { # port
  python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); print("bound", flush=True); time.sleep(600)' "$1" > "$work/bound.out" 2>&1 &
  holders+=($!)
  for _ in $(seq 50); do grep -q bound "$work/bound.out" 2>/dev/null && return 0; sleep 0.1; done
  fail "could not bind port $1"
}
release() { for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; holders=(); }

# 1. start with silo 0's HTTP port taken.
hold_with_server "$HTTP_PORT_BASE"
rc=0; bash deploy/local-cluster.sh start 1 > "$work/start-taken.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "start reported success with silo 0's HTTP port $HTTP_PORT_BASE held by another server"
grep -q "port $HTTP_PORT_BASE is in use" "$work/start-taken.out" || fail "start did not name the port in use: $(cat "$work/start-taken.out")"
[ ! -e "$HYPERIFT_LOCAL/redis.pid" ] || fail "start left Redis running after refusing"
ok "start refuses at once (exit $rc) when a port it needs is taken"
release

bash deploy/local-cluster.sh start 1 > "$work/start.out" 2>&1 || fail "start 1 failed"
curl -sf "http://127.0.0.1:$HTTP_PORT_BASE/health" | grep -q '"status":"healthy"' || fail "silo 0 is not healthy after start"

# 2. add with silo 1's HTTP port held by a foreign server.
hold_with_server $((HTTP_PORT_BASE + 1))
rc=0; bash deploy/local-cluster.sh add > "$work/add-taken.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "add reported success with silo 1's HTTP port held by another server: $(cat "$work/add-taken.out")"
grep -q "port $((HTTP_PORT_BASE + 1)) is in use" "$work/add-taken.out" || fail "add did not name the port in use: $(cat "$work/add-taken.out")"
[ ! -e "$HYPERIFT_LOCAL/loop1.pid" ] || fail "add left a restart loop for silo 1"
ok "add fails (exit $rc) when the new silo's HTTP port is held by another server"
release

# 3. add whose silo cannot bind its HTTP port.
hold_bound $((HTTP_PORT_BASE + 1))
rc=0; SILO_START_SECONDS=20 bash deploy/local-cluster.sh add > "$work/add-unbound.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "add reported success for a silo that could not bind: $(cat "$work/add-unbound.out")"
grep -q "silo 1 did not come up" "$work/add-unbound.out" || fail "add did not say the silo did not come up: $(cat "$work/add-unbound.out")"
grep -qF "$HYPERIFT_LOCAL/silo1.log" "$work/add-unbound.out" || fail "add did not name the silo's log: $(cat "$work/add-unbound.out")"
grep -qi "address already in use" "$HYPERIFT_LOCAL/silo1.log" || fail "the silo's log does not show the failed bind"
[ ! -e "$HYPERIFT_LOCAL/loop1.pid" ] && [ ! -e "$HYPERIFT_LOCAL/silo1.pid" ] || fail "add left silo 1 or its restart loop behind"
ok "add fails (exit $rc), naming $HYPERIFT_LOCAL/silo1.log, when the new silo cannot bind"
release

# 4. With the port free, the same index comes up.
bash deploy/local-cluster.sh add > "$work/add.out" 2>&1 || fail "add failed with every port free: $(cat "$work/add.out")"
grep -q "silo 1 added" "$work/add.out" || fail "add did not take the index the failures left free: $(cat "$work/add.out")"
curl -sf "http://127.0.0.1:$((HTTP_PORT_BASE + 1))/health" | grep -q '"status":"healthy"' || fail "silo 1 is not healthy after add"
ok "add brings silo 1 up once its port is free"

echo "multiprocess: $passed passed, 0 failed"
