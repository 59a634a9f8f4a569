#!/usr/bin/env bash
# A whole tuning run against one fit (issue 15, item 3; docs/PERFORMANCE.md): the README's Fashion-MNIST
# `l2-feature` recipe (softmax, first 50,000 training images, the last 10,000 to validate, λ₀ = −4, Adam,
# HOAG tolerances to 1e-8, 2 shards, embedded) timed with /usr/bin/time, and the wall time at which its
# validation loss first reaches TARGET (the best of scikit-learn's grid of one C: 0.4135), read from
# history.csv (the run's wall time less the seconds of the steps after that one); then, in the same
# run, one scikit-learn LogisticRegression(lbfgs) fit at λ = −8 (bench/fmnist_sklearn.py) at tolerance
# 1e-8 (the recipe's) and at scikit-learn's default 1e-4. Prints one Markdown table.
# usage: bench/fmnist_tune_vs_fit.sh
#   env ETA (Adam step, 0.3 = the README's recipe), STEPS (15), TARGET (0.4135), SHARDS (2), EXTRA (more tune flags,
#       e.g. --kronecker), FITS (1; 0 reuses the fits of an earlier run, from bench/results/fmnist-tune-vs-fit/fits)
set -euo pipefail
cd "$(dirname "$0")/.."
eta=${ETA:-0.3} steps=${STEPS:-15} target=${TARGET:-0.4135} shards=${SHARDS:-2} extra=${EXTRA:-} fits=${FITS:-1}
out=bench/results/fmnist-tune-vs-fit/eta$eta-steps$steps${extra:+-$(echo "$extra" | tr -c 'a-zA-Z0-9.\n-' '_')}
py=/usr/bin/python3  # Debian's python3 with python3-numpy and python3-sklearn
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] && $py -c 'import numpy, sklearn' 2>/dev/null \
  || { apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist python3-numpy python3-sklearn >/dev/null; }
blas=(); grep -q avx512f /proc/cpuinfo && blas=(OPENBLAS_CORETYPE=SkylakeX)
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null

# shellcheck disable=SC2086  # EXTRA is a list of flags
/usr/bin/time -f "%e %M" -o "$out/tune.time" dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune \
  --model softmax --hyper l2-feature --train 'fashion-mnist[0:50000]' --val 'fashion-mnist[50000:60000]' \
  --test fashion-mnist:test --lambda -4 --steps "$steps" --optimizer adam --outer-lr "$eta" --tol 1e-8 \
  --tol-schedule hoag --shards "$shards" --output "$out/run" --overwrite --json $extra > "$out/tune.json" 2> "$out/tune.log"
fitdir=bench/results/fmnist-tune-vs-fit/fits
mkdir -p "$fitdir"
for tol in 1e-8 1e-4; do
  if [[ $fits == 1 || ! -s $fitdir/fit-$tol.json ]]; then
    env "${blas[@]}" /usr/bin/time -f "%e %M" -o "$fitdir/fit-$tol.time" $py bench/fmnist_sklearn.py -8 "$tol" > "$fitdir/fit-$tol.json"
  fi
  cp "$fitdir/fit-$tol.json" "$fitdir/fit-$tol.time" "$out/"
done

$py - "$out" "$target" "$eta" "$steps" "$extra" <<'PY'
import csv, json, sys
out, target, eta, steps, extra = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
wall, peak = (float(v) for v in open(f"{out}/tune.time").read().split()[-2:])
rows = list(csv.DictReader(open(f"{out}/run/history.csv")))
hit = next((i for i, r in enumerate(rows) if float(r["validation_loss"]) <= target), None)
after = sum(float(r["seconds"]) for r in rows[hit + 1:]) if hit is not None else 0.0
reach = wall - after if hit is not None else float("nan")
fits = {tol: (json.load(open(f"{out}/fit-{tol}.json")), float(open(f"{out}/fit-{tol}.time").read().split()[-2]))
        for tol in ("1e-8", "1e-4")}
result = json.load(open(f"{out}/tune.json"))
print("| run | wall s | to val ≤ %.4f | steps | CG iterations | final val loss | test loss | test acc | peak MB |" % target)
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
cg = sum(int(r["cg_iterations"]) for r in rows[: (hit + 1 if hit is not None else len(rows))])
print(f"| hyperift tune l2-feature (Adam η = {eta}{', ' + extra if extra else ''}) | {wall:.1f} | "
      + (f"{reach:.1f} s (step {hit})" if hit is not None else "not reached")
      + f" | {len(rows)} | {cg} to the target | {float(rows[-1]['validation_loss']):.4f} | "
      f"{result['test']['loss']:.4f} | {result['test']['accuracy']:.4f} | {peak / 1024:.0f} |")
for tol, (fit, fit_wall) in fits.items():
    print(f"| scikit-learn fit at λ = −8, tol {tol} | {fit_wall:.1f} ({fit['seconds']:.1f} fitting) | — | — | "
          f"L-BFGS {fit['iterations']} | — | — | — | — |")
for tol, (fit, fit_wall) in fits.items():
    if hit is not None:
        print(f"\ntime to the target ÷ one fit at tol {tol}: {reach / fit_wall:.2f} (whole processes, data reading included)")
PY
