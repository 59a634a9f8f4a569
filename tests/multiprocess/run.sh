#!/usr/bin/env bash
# Multi-process check of the distributed engine, on loopback only:
#   redis-server (AOF on), two HyperIft.Silo processes (Redis clustering and storage) each under a
#   restart loop as compose/Kubernetes would run them, the hyperift client.
#   1. `hypergrad --cluster` equals the embedded result, and so does `clean --cluster`'s weights.csv;
#   2. a `tune` run whose tuner's silo is killed with SIGKILL completes with the undisturbed final λ, and
#      so does one whose tuner's silo gets SIGTERM (which must exit 0 within 10 s);
#   3. several clients following their runs, one silo SIGKILLed: every client ends within a bound;
#   4. Redis wiped (FLUSHALL) under a run: /health turns unhealthy, the silos re-register (healthy
#      again within a bound), the run ends within a bound, a new run completes;
#   5. silos take a Redis password from a file and from REDIS_PASSWORD and log it nowhere, and so does
#      the client (REDIS_PASSWORD, REDIS_PASSWORD_FILE);
#   6. a silo and the client reach a password-protected Redis over TLS with a test CA (openssl).
#   7. silos and clients speak mutual TLS (Orleans, --tls-cert-file); untrusted clients are refused.
# Every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${CONFIGURATION:-Release}
work=$(mktemp -d /tmp/hyperift-mp.XXXXXX)
redis_port=${REDIS_PORT:-6391}
pids=()
passed=0

cleanup() {
  touch "$work/stop"
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for f in "$work"/silo*.pid; do [ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  if [ -e "$work/redis-password" ]; then
    redis-cli -p $((redis_port + 10)) --no-auth-warning -a "$(cat "$work/redis-password")" shutdown nosave >/dev/null 2>&1 || true
    [ -e "$work/tls/ca.pem" ] && redis-cli -p $((redis_port + 20)) --tls --cacert "$work/tls/ca.pem" --no-auth-warning \
      -a "$(cat "$work/redis-password")" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "multiprocess: FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f"; tail -20 "$f"; done >&2; exit 1; }
ok() { echo "multiprocess: ok: $*"; passed=$((passed + 1)); }

for project in src/HyperIft.Silo src/HyperIft.Cli; do dotnet build "$project" -c "$config" -v quiet -nologo >/dev/null; done
silo_bin=src/HyperIft.Silo/bin/$config/net10.0/hyperift-silo
hyperift=src/HyperIft.Cli/bin/$config/net10.0/hyperift

mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$work/redis" \
  --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cluster="127.0.0.1:$redis_port"

# A silo under a restart loop: whenever it exits (SIGKILL, or 75 when it lost its membership row
# for good), it is started again on the same ports, as a supervisor would — once the membership
# table no longer lists its predecessor as active (deploy/membership.sh: an earlier restart stalled runs
# here for minutes), at most 120 s later. silo$i.pid holds the silo process, silo$i.exits its exits.
source deploy/membership.sh
supervise_silo() { # index
  local i=$1
  while [ ! -e "$work/stop" ]; do
    "$silo_bin" --clustering redis --storage redis --redis "$cluster" --cluster-id mp-test \
      --silo-port $((21111 + i)) --gateway-port $((31000 + i)) --http-port $((18080 + i)) >> "$work/silo$i.log" 2>&1 &
    echo $! > "$work/silo$i.pid"
    local rc=0
    wait $! || rc=$?
    echo "$(date +%T) exit $rc" >> "$work/silo$i.exits"
    wait_silo_endpoint_free "$redis_port" hyperift/members/mp-test "127.0.0.1:$((21111 + i))" 120 \
      || echo "$(date +%T) predecessor still active after 120 s; restarting anyway" >> "$work/silo$i.exits"
  done
}
health() { curl -s -m 3 "http://127.0.0.1:$((18080 + $1))/health" 2>/dev/null || echo '{"status":"unreachable"}'; }
wait_healthy() { # index seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do health "$1" | grep -q '"status":"healthy"' && return 0; sleep 0.25; done
  return 1
}
# Waits at most SECONDS for a background process; exit_code = its code, or "timeout".
wait_exit() { # pid seconds
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { exit_code=timeout; return 0; }
    sleep 0.5
  done
  exit_code=0
  wait "$1" || exit_code=$?
}
# Waits until a client's log shows step N; prints the port of the silo its tuner runs on.
tuner_port_after_step() { # log step seconds
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    if grep -q "^step *$2/" "$1" 2>/dev/null; then
      grep -o "on silo S127.0.0.1:[0-9]*" "$1" | tail -1 | sed 's/.*://'
      return 0
    fi
    sleep 0.1
  done
  return 1
}
for i in 0 1; do supervise_silo "$i" 2> /dev/null & pids+=($!); done
for i in 0 1; do wait_healthy "$i" 30 || fail "silo $i is not healthy: $(health "$i")"; done
echo "multiprocess: redis and two silos up"
export HYPERIFT_CLUSTER_ID=mp-test

# 1. One hypergradient on the cluster equals the embedded one.
problem=(--model logistic --hyper l2-feature --train synthetic:n=4000,p=25,seed=9 --lambda -2.5 --shards 4 --tol 1e-11)
"$hyperift" hypergrad "${problem[@]}" --json --cluster "$cluster" > "$work/cluster.json" 2> "$work/hg-cluster.log" || fail "hypergrad on the cluster"
"$hyperift" hypergrad "${problem[@]}" --json > "$work/embedded.json" 2> "$work/hg-embedded.log" || fail "hypergrad embedded"
/usr/bin/python3 - "$work/cluster.json" "$work/embedded.json" <<'PY' || fail "cluster and embedded hypergradients differ"
import json, sys, math
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ga, gb = a["hypergradient"], b["hypergradient"]
err = math.sqrt(sum((x - y) ** 2 for x, y in zip(ga, gb))) / math.sqrt(sum(y * y for y in gb))
print(f"multiprocess: hypergrad cluster vs embedded: relative difference {err:.2e}, "
      f"validation loss {a['validationLoss']!r} vs {b['validationLoss']!r}")
sys.exit(0 if err <= 1e-12 and abs(a["validationLoss"] - b["validationLoss"]) <= 1e-14 else 1)
PY
ok "hypergrad on the cluster equals the embedded one"

# 1b. clean on the cluster writes the embedded run's weights.csv (same shards, so the same sums).
clean=(--model softmax --train synthetic:n=600,p=5,c=3,seed=4 --shards 3 --steps 4 --outer-lr 1 --tol 1e-10 --overwrite)
"$hyperift" clean "${clean[@]}" --output "$work/clean-cluster" --cluster "$cluster" > /dev/null 2> "$work/clean-cluster.log" || fail "clean on the cluster"
"$hyperift" clean "${clean[@]}" --output "$work/clean-embedded" > /dev/null 2> "$work/clean-embedded.log" || fail "clean embedded"
/usr/bin/python3 - "$work/clean-cluster/weights.csv" "$work/clean-embedded/weights.csv" <<'PY' || fail "clean on the cluster and embedded differ"
import csv, sys
a, b = ({int(r["row"]): r for r in csv.DictReader(open(p))} for p in sys.argv[1:3])
assert a.keys() == b.keys() == set(range(600)), "weights.csv does not list every row once"
err = max(abs(float(a[i][k]) - float(b[i][k])) for i in a for k in ("weight", "influence"))
assert all(a[i]["label"] == b[i]["label"] for i in a), "labels differ"
print(f"multiprocess: clean cluster vs embedded: largest difference of a weight or an influence {err:.1e}")
sys.exit(0 if err <= 1e-9 else 1)
PY
ok "clean on the cluster writes the embedded weights.csv"

# 2. tune: undisturbed, then again with the tuner's silo killed mid-run, then stopped (SIGTERM) mid-run.
run=(--model softmax --hyper l2-feature --train synthetic:n=20000,p=60,c=5,seed=3 --lambda -3 --shards 4
     --steps 14 --outer-lr 0.2 --cluster "$cluster")
"$hyperift" tune "${run[@]}" --run-id undisturbed --output "$work/undisturbed" > /dev/null 2> "$work/tune-undisturbed.log" \
  || fail "undisturbed tune"

# The same run with the tuner's silo sent SIGNAL after step 3 (its loop restarts it): it completes with the
# undisturbed λ. SIGTERM must also end the silo cleanly (exit 0) within 10 s: it hands its grains over.
tune_with_tuner_silo_signalled() { # SIGNAL
  local signal=$1 name=disturbed-$1
  "$hyperift" tune "${run[@]}" --run-id "$name" --output "$work/$name" > /dev/null 2> "$work/tune-$name.log" &
  local tune_pid=$! signalled="" victim="" silo_pid="" sent_at=0
  pids+=($tune_pid)
  for _ in $(seq 600); do
    if grep -q "^step    3/" "$work/tune-$name.log" 2>/dev/null; then
      local port
      port=$(grep -o "on silo S127.0.0.1:[0-9]*" "$work/tune-$name.log" | head -1 | sed 's/.*://')
      victim=$(( port - 21111 ))
      silo_pid=$(cat "$work/silo$victim.pid")
      sent_at=$SECONDS
      kill -s "$signal" "$silo_pid"
      signalled="silo $victim (port $port)"
      echo "multiprocess: sent SIG$signal to the tuner's $signalled after step 3"
      break
    fi
    kill -0 "$tune_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$signalled" ] || fail "the run ended before a silo could be sent SIG$signal"
  if [ "$signal" = TERM ]; then
    while kill -0 "$silo_pid" 2>/dev/null; do
      [ $((SECONDS - sent_at)) -le 10 ] || fail "the silo sent SIGTERM is still running after 10 s"
      sleep 0.1
    done
    sleep 0.5
    tail -1 "$work/silo$victim.exits" | grep -q "exit 0$" || fail "the silo sent SIGTERM exited with: $(tail -1 "$work/silo$victim.exits")"
    echo "multiprocess: the silo sent SIGTERM exited 0 within $((SECONDS - sent_at)) s"
  fi
  wait "$tune_pid" || fail "tune did not complete after SIG$signal to the tuner's silo"
  grep "moved to silo" "$work/tune-$name.log" || true
  /usr/bin/python3 - "$work/undisturbed/lambda.txt" "$work/$name/lambda.txt" "$signal" <<'PY' || fail "final λ after SIG$signal differs from the undisturbed run"
import sys, math
a, b = ([float(l) for l in open(p) if l.strip()] for p in sys.argv[1:3])
assert len(a) == len(b) == 60, (len(a), len(b))
err = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b))) / math.sqrt(sum(x * x for x in a))
print(f"multiprocess: final λ after SIG{sys.argv[3]} vs undisturbed: relative difference {err:.2e}")
sys.exit(0 if err <= 1e-9 else 1)
PY
  ok "a run whose tuner's silo was sent SIG$signal ends with the undisturbed λ"
  for i in 0 1; do wait_healthy "$i" 90 || fail "silo $i did not come back after SIG$signal: $(health "$i")"; done
}
tune_with_tuner_silo_signalled KILL
tune_with_tuner_silo_signalled TERM

source tests/multiprocess/clients-and-kill.sh
source tests/multiprocess/redis-wipe.sh
source tests/multiprocess/redis-password.sh
source tests/multiprocess/redis-tls.sh
source tests/multiprocess/orleans-tls.sh
echo "multiprocess: $passed passed, 0 failed"
