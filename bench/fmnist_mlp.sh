#!/usr/bin/env bash
# One L2 strength against one a layer and one a weight, for a Fashion-MNIST network (README): the
# same start (λ₀ = −4 everywhere; θ from Glorot, seed 0), the same outer steps and solves, scored on t10k.
# Prints one line a kind: validation and test loss, test accuracy, wall time and peak memory.
# usage: bench/fmnist_mlp.sh [TRAIN_ROWS] [HIDDEN] [STEPS]   (defaults: 10000 64 10)
# Environment: TOL (1e-6), MAXCG (200), LR (0.3) set the solves and the Adam step; DAMPING=δ solves
# (H + δI)v = ∇g (without it, negative curvature at a θ* fails the run, SPEC §7). SHARED_START=1 solves
# θ*(λ₀) once (`hypergrad --theta-out`, timed on its own line) and starts every kind's run from it
# (`--init`): the three runs' first inner solves are the same problem, and at full scale (50,000 rows,
# 784-256-10) that cold solve is most of a run. SHARED_START=sklearn starts that solve from scikit-learn's
# L-BFGS fit of the same network and penalty (bench/distill_reference.py init, 200 iterations) instead of
# from Glorot: our trust region then only polishes it to TOL.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000} hidden=${2:-64} steps=${3:-10}
tol=${TOL:-1e-6} maxcg=${MAXCG:-200} lr=${LR:-0.3}
damping=(); [ -n "${DAMPING:-}" ] && damping=(--damping "$DAMPING")
out=${OUT:-bench/results/fmnist_mlp}
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
hyperift=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
lambda0=-4
data=(--model mlp --hidden "$hidden" --train "fashion-mnist[0:$rows]" --val 'fashion-mnist[50000:60000]' --lambda "$lambda0")
start=() init=()
if [ "${SHARED_START:-0}" = sklearn ]; then
  /usr/bin/time -v -o "$out/sklearn.time" /usr/bin/python3 bench/distill_reference.py init --hidden "$hidden" --rows "$rows" \
    --alpha "$(/usr/bin/python3 -c "import math; print(math.exp($lambda0))")" --out "$out/sklearn.txt"
  init=(--init "$out/sklearn.txt")
fi
if [ "${SHARED_START:-0}" != 0 ]; then
  # Only θ* of this hypergradient is used: its linear solve is damped (H + I), so it is short and negative
  # curvature cannot stop it. (--max-cg would also cap the inner solve's CG: not here.)
  /usr/bin/time -v -o "$out/start.time" "${hyperift[@]}" hypergrad "${data[@]}" --hyper l2 --tol "$tol" "${init[@]}" \
    --damping 1 --theta-out "$out/start.txt" --json > "$out/start.json" 2> "$out/start.log"
  start=(--init "$out/start.txt")
fi
for kind in l2 l2-layer l2-param; do
  /usr/bin/time -v -o "$out/$kind.time" "${hyperift[@]}" tune "${data[@]}" --hyper "$kind" "${start[@]}" \
    --test fashion-mnist:test --steps "$steps" --outer-lr "$lr" --tol "$tol" --tol-schedule hoag --max-cg "$maxcg" "${damping[@]}" \
    --output "$out/$kind" --overwrite --json > "$out/$kind.json" 2> "$out/$kind.log"
done
/usr/bin/python3 - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
def peak(name):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(out, name + ".time")).read()).group(1)) / 1024
if os.path.exists(os.path.join(out, "start.json")):
    s = json.load(open(os.path.join(out, "start.json")))
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", open(os.path.join(out, "start.time")).read()).group(1)
    print(f"shared start θ*(λ₀): validation loss {s['validationLoss']:.4f}, wall {wall}, peak {peak('start'):.0f} MB")
print(f"{'kind':<10} {'|λ|':>8} {'val loss start':>14} {'val loss end':>12} {'test loss':>9} {'test acc':>8} {'seconds':>8} {'peak MB':>8}")
for kind in ["l2", "l2-layer", "l2-param"]:
    r = json.load(open(os.path.join(out, kind + ".json")))
    first = open(os.path.join(out, kind, "history.csv")).read().splitlines()[1].split(",")[1]
    print(f"{kind:<10} {r['lambdaCount']:>8} {float(first):>14.4f} {r['validationLoss']:>12.4f} {r['test']['loss']:>9.4f} "
          f"{r['test']['accuracy']:>8.4f} {r['settings']['wallSeconds']:>8.1f} {peak(kind):>8.0f}")
PY
