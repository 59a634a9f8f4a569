#!/usr/bin/env bash
# A client whose gateway dies while it starts a run: the Orleans client does not fail a call sent through a
# gateway that died (it waits out the 10-minute response timeout), so `tune` used to hang there for 10
# minutes and then fail. The client now sends Prepare again once a gateway connection closes under it.
# A 2-silo cluster of deploy/local-cluster.sh (restart loops) on its own ports; the client knows only silo
# 0's gateway (static list), so the call certainly goes through it; silo 0 is SIGKILLed while the run's
# shards are still being opened; the client must finish the run (exit 0) well within the old 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/hyperift-gw.XXXXXX)
export HYPERIFT_LOCAL=$work/cluster
export REDIS_PORT=${REDIS_PORT:-6480}
export SILO_PORT_BASE=${SILO_PORT_BASE:-22711} GATEWAY_PORT_BASE=${GATEWAY_PORT_BASE:-32711} HTTP_PORT_BASE=${HTTP_PORT_BASE:-18711}
client=""
cleanup() {
  [ -n "$client" ] && kill "$client" 2>/dev/null
  bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "multiprocess: FAILED: $*" >&2; for f in "$work"/*.log "$HYPERIFT_LOCAL"/silo*.log; do [ -e "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done >&2; echo "multiprocess: 0 passed, 1 failed"; exit 1; }

dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
bash deploy/local-cluster.sh start 2 > "$work/start.log" 2>&1 || fail "the cluster did not start"
# A million rows: opening the shards takes several seconds, so the kill lands while Prepare is in flight.
dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune --model logistic --hyper l2 \
  --train synthetic:n=1000000,p=100,seed=3 --shards 4 --steps 1 --cluster "localhost:$GATEWAY_PORT_BASE" \
  --output "$work/run" > "$work/tune.out" 2> "$work/tune.log" &
client=$!
sleep 3
grep -q "^run " "$work/tune.log" && fail "the run was prepared within 3 s, before the kill: this test needs a slower Prepare"
kill -9 "$(cat "$HYPERIFT_LOCAL/silo0.pid")"
killed_at=$SECONDS
echo "multiprocess: SIGKILLed silo 0, the client's only gateway, while its run was being prepared"
bound=300
while kill -0 "$client" 2>/dev/null && [ $((SECONDS - killed_at)) -lt $bound ]; do sleep 1; done
if kill -0 "$client" 2>/dev/null; then fail "the client still waits $bound s after its gateway died (it used to wait out the 10-minute call timeout)"; fi
rc=0; wait "$client" || rc=$?
client=""
[ $rc -eq 0 ] || fail "the client failed (exit $rc): $(tail -1 "$work/tune.log")"
[ -s "$work/run/lambda.txt" ] || fail "the run wrote no lambda.txt"
echo "multiprocess: ok: the client finished its run $((SECONDS - killed_at)) s after its gateway died under Prepare"
echo "multiprocess: 1 passed, 0 failed"
