#!/usr/bin/env bash
# Chaos under load (issue 14, item 1): Redis (AOF) and 3 silo processes under restart loops
# (deploy/local-cluster.sh), 8 concurrent `tune` runs of different models and kinds, each followed by
# its client; every ~15 s a random silo is SIGKILLed (its loop restarts it), ROUNDS times, then Redis is
# restarted once. Every run must complete with the final λ of the same run done undisturbed on an
# embedded silo (relative difference ≤ 1e-9) and every client must exit 0. Prints the largest
# difference, the longest stall (largest gap between two steps of a run, from `runs list` polled about
# once a second) and the count of client errors; the stall is reported, not asserted. CI runs a bounded
# version (2 rounds); the issue's 5 rounds: tests/chaos/run.sh 5.
# usage: tests/chaos/run.sh [ROUNDS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
work=$(mktemp -d /tmp/hyperift-chaos.XXXXXX)
export HYPERIFT_LOCAL=$work/cluster
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
cli=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
bash deploy/local-cluster.sh start 3 >/dev/null
poller=""
cleanup() {
  [ -n "$poller" ] && kill "$poller" 2>/dev/null
  bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

runs=(
  "--model logistic --hyper l2-feature --train synthetic:n=6000,p=30,seed=1 --steps 40"
  "--model ridge --hyper l2 --train synthetic:n=5000,p=12,seed=2 --steps 40"
  "--model softmax --hyper l2-feature --train synthetic:n=4000,p=15,c=4,seed=3 --steps 30"
  "--model logistic --hyper example-weights --train synthetic:n=4000,p=8,seed=4 --steps 30"
  "--model softmax --hyper l2-param --train synthetic:n=3000,p=10,c=3,seed=5 --steps 30"
  "--model mlp --hidden 8 --hyper l2-layer --train synthetic:n=1500,p=8,c=3,seed=6 --steps 20 --tol 1e-8"
  "--model ridge --hyper example-weights --train synthetic:n=3000,p=6,seed=7 --steps 30"
  "--model logistic --hyper l2 --train synthetic:n=8000,p=30,seed=8 --steps 40"
)
echo "chaos: undisturbed references (embedded)"
for i in "${!runs[@]}"; do
  # shellcheck disable=SC2086
  "${cli[@]}" tune ${runs[$i]} --shards 3 --outer-lr 0.1 --output "$work/ref$i" >/dev/null 2>"$work/ref$i.log" \
    || { echo "chaos: FAILED: reference run $i: $(tail -2 "$work/ref$i.log")" >&2; echo "chaos: 0 passed, 1 failed"; exit 1; }
done

echo "chaos: 8 runs on the cluster, $rounds SIGKILL rounds, then a Redis restart"
python3 - "$work/steps.log" <<'PY' &
import subprocess, sys, time, json
cli = ["dotnet", "src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll", "runs", "list", "--json", "--cluster", "127.0.0.1:6390"]
with open(sys.argv[1], "a") as log:
    while True:
        out = subprocess.run(cli, capture_output=True, text=True)
        if out.returncode == 0:
            for r in json.loads(out.stdout).get("runs", []):
                log.write(f"{time.time():.2f} {r['runId']} {r['step']} {r['status']}\n")
            log.flush()
        time.sleep(0.5)
PY
poller=$!
clients=()
for i in "${!runs[@]}"; do
  # shellcheck disable=SC2086
  "${cli[@]}" tune ${runs[$i]} --shards 3 --outer-lr 0.1 --cluster 127.0.0.1:6390 --run-id "chaos-$i-$RANDOM" \
    --output "$work/run$i" >/dev/null 2>"$work/run$i.log" &
  clients+=($!)
done
for round in $(seq "$rounds"); do
  sleep 15
  victim=$((RANDOM % 3))
  kill -9 "$(cat "$HYPERIFT_LOCAL/silo$victim.pid")" 2>/dev/null || true
  date +%s.%N >> "$work/kills"
  echo "chaos: round $round: SIGKILL silo $victim"
done
sleep 10
redis-cli -p 6390 shutdown >/dev/null 2>&1 || true
sleep 2
redis-server --port 6390 --bind 127.0.0.1 --save "" --appendonly yes --dir "$HYPERIFT_LOCAL/redis" \
  --daemonize yes --pidfile "$HYPERIFT_LOCAL/redis.pid" --logfile "$HYPERIFT_LOCAL/redis.log"
date +%s.%N > "$work/redis-restart"
echo "chaos: Redis restarted (AOF)"
errors=0
for i in "${!clients[@]}"; do
  wait "${clients[$i]}" || { errors=$((errors + 1)); echo "chaos: client $i: $(tail -2 "$work/run$i.log")" >&2; }
done
kill "$poller" 2>/dev/null || true
poller=""
# Exits beyond the SIGKILLs are silos the others declared dead by mistake (too eager failure detection).
exits=$(cat "$HYPERIFT_LOCAL"/silo*.log | grep -c "exited with" || true)
python3 - "$work" "${#runs[@]}" "$errors" "$exits" <<'PY'
import sys, collections, statistics
work, count, errors, exits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def read(path):
    return [float(x) for x in open(path).read().split()]
worst = 0.0
for i in range(count):
    try:
        a, b = read(f"{work}/run{i}/lambda.txt"), read(f"{work}/ref{i}/lambda.txt")
    except OSError:
        print(f"chaos: run {i} wrote no lambda.txt"); worst = float("inf"); continue
    scale = max(max(abs(x) for x in b), 1e-300)
    worst = max(worst, max(abs(x - y) for x, y in zip(a, b)) / scale if len(a) == len(b) else float("inf"))
seen = collections.defaultdict(list)
for line in open(f"{work}/steps.log"):
    t, run, step, status = line.split()
    seen[run].append((float(t), int(step), status))
kills = read(f"{work}/kills")
stall, after_kill, gaps = 0.0, 0.0, []
for run, points in seen.items():
    changes = [t for (t, s, st), (_, s0, _) in zip(points[1:], points) if s != s0]
    for a, b in zip(changes, changes[1:]):
        gaps.append(b - a)
        stall = max(stall, b - a)
        # The step a SIGKILL interrupted: from the last step seen before it to the next one.
        if any(a <= k < b for k in kills):
            after_kill = max(after_kill, b - a)
restart = float(open(f"{work}/redis-restart").read())
last = {run: max(((t, st) for t, s, st in points if t <= restart), default=(0, "?"))[1] for run, points in seen.items()}
running = sum(1 for st in last.values() if st == "running")
print(f"chaos: {running} of {count} runs were still running when Redis restarted")
# Each poll is a `runs list` process (a second or more under this load): on a busy machine the runs may end
# before the poller has seen two steps of any of them, and then there is no stall to report.
timing = (f"longest stall {stall:.1f} s (longest step across a SIGKILL {after_kill:.1f} s; "
          f"median gap between steps {statistics.median(gaps):.1f} s under this load)" if gaps
          else f"stall not measured (the poller saw {sum(len(p) for p in seen.values())} run states, too few to time a step)")
print(f"chaos: largest relative λ difference {worst:.2e}, {timing}, client errors {errors}, silo exits {exits} for {len(kills)} SIGKILLs")
ok = worst <= 1e-9 and errors == 0
print(f"chaos: {int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
PY
