#!/usr/bin/env bash
# Scale out mid-run: a 2-silo local cluster (Redis), a `tune` of 6 shards; the same run twice, undisturbed
# and with a third silo added after step ADD (deploy/local-cluster.sh add). Prints the median step time
# before and after the join, the step the shards moved in, where the shards are, and the largest
# difference between the two runs' final λ (the sums keep their order: it must be 0 or at rounding).
# usage: bench/scale_out.sh [STEPS] [ADD]   (default 24 8)
# Note: on one machine a third silo shares the same cores; the gain needs a third machine.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-24}
add_after=${2:-8}
export HYPERIFT_LOCAL=${HYPERIFT_LOCAL:-$PWD/bench/results/scale-out/cluster}
out=$(dirname "$HYPERIFT_LOCAL")
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
bash deploy/local-cluster.sh start 2 >/dev/null
trap 'bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
problem=(--model softmax --hyper l2-feature --train synthetic:n=300000,p=100,c=5,seed=3 --shards 6 --steps "$steps"
         --outer-lr 0.1 --cluster 127.0.0.1:6390 --overwrite)
for mode in steady scaled; do
  run=scale-$mode-$RANDOM
  echo "$run" > "$out/$mode.run"
  dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune "${problem[@]}" --run-id "$run" --output "$out/$mode" \
    > /dev/null 2> "$out/$mode.log" &
  client=$!
  python3 - "$run" "$mode" "$add_after" "$out" <<'PY'
import json, subprocess, sys, time
run, mode, add_after, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
cli = ["dotnet", "src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll"]
def show():
    r = subprocess.run(cli + ["runs", "show", run, "--json", "--cluster", "127.0.0.1:6390"], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None
added_at, s = None, None
while True:
    s = show() or s
    if s and mode == "scaled" and added_at is None and s["step"] >= add_after:
        subprocess.run(["bash", "deploy/local-cluster.sh", "add"], check=True, capture_output=True)
        added_at = s["step"]
    if s and s["status"] in ("completed", "failed", "cancelled"):
        break
    time.sleep(0.3)
json.dump({"added_at": added_at}, open(f"{out}/{mode}.json", "w"))
PY
  wait "$client" || { echo "scale_out: the $mode run failed: $(tail -3 "$out/$mode.log")" >&2; exit 1; }
done
moves=$(grep -h "Run $(cat "$out/scaled.run"): .* shards moved to balance" "$HYPERIFT_LOCAL"/silo*.log | tail -1 | sed 's/.*Run [^:]*: //')
python3 - "$out" "$add_after" "$moves" <<'PY'
import json, statistics, sys
out, add_after, moves = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import csv
steady, scaled = (json.load(open(f"{out}/{m}.json")) for m in ("steady", "scaled"))
for m, d in (("steady", steady), ("scaled", scaled)):
    d["seconds"] = [float(r["seconds"]) for r in csv.DictReader(open(f"{out}/{m}/history.csv"))]
k = scaled["added_at"]
ss, sc = steady["seconds"], scaled["seconds"]
# The shards move in the first step that starts once the new silo is up: the slowest one after step k.
moved = max(range(k, len(sc)), key=lambda i: sc[i] - ss[i])
def median(xs): return statistics.median(xs) if xs else float("nan")
print(f"scale_out: third silo added after step {k}; shards moved in step {moved + 1}: {sc[moved]:.2f} s against {ss[moved]:.2f} s undisturbed ({moves or 'no move logged'})")
print(f"scale_out: steps 3-{k}, both on 2 silos: median {median(ss[2:k]):.2f} s undisturbed, {median(sc[2:k]):.2f} s in the scaled run")
print(f"scale_out: steps {moved + 2}-{len(sc)}: median {median(ss[moved + 1:]):.2f} s on 2 silos, {median(sc[moved + 1:]):.2f} s on 3 silos")
a = [float(x) for x in open(f"{out}/steady/lambda.txt").read().split()]
b = [float(x) for x in open(f"{out}/scaled/lambda.txt").read().split()]
print(f"scale_out: largest |λ difference| between the runs {max(abs(x - y) for x, y in zip(a, b)):.1e} over {len(a)} entries")
PY
