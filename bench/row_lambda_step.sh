#!/usr/bin/env bash
# What one outer step of one-λ-per-row (example weights) moves and writes, on a 2-silo local cluster
# with Redis (docs/PERFORMANCE.md "Bytes moved for 10⁶ example weights"): two `tune` runs, 2 and 6 steps,
# logistic on synthetic n rows (p = 10, 2 shards). The silos' hyperift_vector_bytes counters before and
# after each run give what the 4 extra steps moved; the history gives the step times and their phases;
# the silos' logs give the tuner's state writes. To compare with a build from before λ lived on the shards,
# run this script from a worktree of that commit (it uses the tree it is in).
# usage: bench/row_lambda_step.sh [N]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
export HYPERIFT_LOCAL=${HYPERIFT_LOCAL:-$PWD/bench/results/row-lambda/cluster}
out=bench/results/row-lambda
mkdir -p "$out"
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
bash deploy/local-cluster.sh start 2 >/dev/null
trap 'bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
cli=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
silo_bytes() {
  local total=0 v
  for port in 8080 8081; do
    v=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^hyperift_vector_bytes/ {print $2; exit}')
    total=$(python3 -c "print($total + int(float('${v:-0}')))")
  done
  echo "$total"
}
declare -A moved
for steps in 2 6; do
  before=$(silo_bytes)
  rm -rf "$out/steps-$steps"
  "${cli[@]}" tune --cluster 127.0.0.1:6390 --model logistic --hyper example-weights --train "synthetic:n=$n,p=10" \
    --shards 2 --steps "$steps" --output "$out/steps-$steps" >/dev/null 2>"$out/steps-$steps.err"
  moved[$steps]=$(( $(silo_bytes) - before ))
done
echo "n = $n: vector bytes moved by the silos: 2 steps ${moved[2]}, 6 steps ${moved[6]}, a step $(( (moved[6] - moved[2]) / 4 ))"
python3 - "$out/steps-6/history.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("step  seconds  inner  linear solve  cross term (with the shards' writes, when they hold λ)")
for r in rows:
    print(f"{r['step']:>4}  {float(r['seconds']):7.3f}  {float(r['inner_seconds']):5.3f}  {float(r['linear_solve_seconds']):12.3f}  {float(r['cross_term_seconds']):10.3f}")
PY
echo "the tuner's last state writes:"
grep -h "state written" "$HYPERIFT_LOCAL"/silo*.log | tail -4 | sed 's/.*state written/  state written/'
