#!/usr/bin/env bash
# One L2 strength against one a layer and one a weight, for a Fashion-MNIST network (README): the
# same start (Glorot, seed 0; λ₀ = −4 everywhere), the same outer steps and solves, scored on t10k.
# Prints one line a kind: validation and test loss, test accuracy, wall time and peak memory.
# usage: bench/fmnist_mlp.sh [TRAIN_ROWS] [HIDDEN] [STEPS]   (defaults: 10000 64 10)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000} hidden=${2:-64} steps=${3:-10}
out=bench/results/fmnist_mlp
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
for kind in l2 l2-layer l2-param; do
  /usr/bin/time -v -o "$out/$kind.time" dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune \
    --model mlp --hidden "$hidden" --hyper "$kind" --train "fashion-mnist[0:$rows]" --val 'fashion-mnist[50000:60000]' \
    --test fashion-mnist:test --lambda -4 --steps "$steps" --outer-lr 0.3 --tol 1e-6 --tol-schedule hoag --max-cg 200 \
    --output "$out/$kind" --overwrite --json > "$out/$kind.json" 2> "$out/$kind.log"
done
/usr/bin/python3 - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
print(f"{'kind':<10} {'|λ|':>8} {'val loss start':>14} {'val loss end':>12} {'test loss':>9} {'test acc':>8} {'seconds':>8} {'peak MB':>8}")
for kind in ["l2", "l2-layer", "l2-param"]:
    r = json.load(open(os.path.join(out, kind + ".json")))
    first = open(os.path.join(out, kind, "history.csv")).read().splitlines()[1].split(",")[1]
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(out, kind + ".time")).read()).group(1)) / 1024
    print(f"{kind:<10} {r['lambdaCount']:>8} {float(first):>14.4f} {r['validationLoss']:>12.4f} {r['test']['loss']:>9.4f} "
          f"{r['test']['accuracy']:>8.4f} {r['settings']['wallSeconds']:>8.1f} {peak:>8.0f}")
PY
