#!/usr/bin/env bash
# A whole tuning run against one fit (issue 15, item 3; docs/PERFORMANCE.md): the README's Fashion-MNIST
# `l2-feature` recipe (softmax, first 50,000 training images, the last 10,000 to validate, λ₀ = −4, Adam,
# HOAG tolerances to 1e-8, 2 shards, embedded) timed with /usr/bin/time, and the time from the process's
# start at which its validation loss first reaches TARGET (the best of scikit-learn's grid of one C: 0.4135):
# when the console printed that step's progress line (each stderr line is stamped as it arrives; the run's
# final evaluation at the tightest tolerances, after its last step, is in the wall time only); then, in the same
# run, one scikit-learn LogisticRegression(lbfgs) fit at λ = −8 (bench/fmnist_sklearn.py) at tolerance
# 1e-8 (the recipe's) and at scikit-learn's default 1e-4. Prints one Markdown table (a row a tune run, then
# the medians and their ratios to the fits).
# usage: bench/fmnist_tune_vs_fit.sh
#   env ETA (Adam step, 0.3 = the README's recipe), STEPS (15), TARGET (0.4135), SHARDS (2), EXTRA (more tune flags,
#       e.g. --kronecker), RUNS (tune runs, 1), FITS (1; 0 reuses the fits of an earlier run, from
#       bench/results/fmnist-tune-vs-fit/fits)
set -euo pipefail
cd "$(dirname "$0")/.."
eta=${ETA:-0.3} steps=${STEPS:-15} target=${TARGET:-0.4135} shards=${SHARDS:-2} extra=${EXTRA:-} fits=${FITS:-1} runs=${RUNS:-1}
out=bench/results/fmnist-tune-vs-fit/eta$eta-steps$steps${extra:+-$(echo "$extra" | tr -c 'a-zA-Z0-9.\n-' '_')}
py=/usr/bin/python3  # Debian's python3 with python3-numpy and python3-sklearn
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] && $py -c 'import numpy, sklearn' 2>/dev/null \
  || { apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist python3-numpy python3-sklearn >/dev/null; }
blas=(); grep -q avx512f /proc/cpuinfo && blas=(OPENBLAS_CORETYPE=SkylakeX)
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null

for r in $(seq 1 "$runs"); do
  mkdir -p "$out/$r"
  # Each stderr line is stamped with the clock as it arrives (bash's EPOCHREALTIME: no process per line).
  echo "$EPOCHREALTIME" > "$out/$r/tune.start"
  # shellcheck disable=SC2086  # EXTRA is a list of flags
  /usr/bin/time -f "%e %M" -o "$out/$r/tune.time" dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune \
    --model softmax --hyper l2-feature --train 'fashion-mnist[0:50000]' --val 'fashion-mnist[50000:60000]' \
    --test fashion-mnist:test --lambda -4 --steps "$steps" --optimizer adam --outer-lr "$eta" --tol 1e-8 \
    --tol-schedule hoag --shards "$shards" --output "$out/$r/run" --overwrite --json $extra 2>&1 > "$out/$r/tune.json" \
    | while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$out/$r/tune.log"
done
fitdir=bench/results/fmnist-tune-vs-fit/fits
mkdir -p "$fitdir"
for tol in 1e-8 1e-4; do
  if [[ $fits == 1 || ! -s $fitdir/fit-$tol.json ]]; then
    env "${blas[@]}" /usr/bin/time -f "%e %M" -o "$fitdir/fit-$tol.time" $py bench/fmnist_sklearn.py -8 "$tol" > "$fitdir/fit-$tol.json"
  fi
  cp "$fitdir/fit-$tol.json" "$fitdir/fit-$tol.time" "$out/"
done

$py - "$out" "$target" "$eta" "$steps" "$extra" "$runs" <<'PY'
import csv, json, re, statistics, sys
out, target, eta, steps, extra, runs = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
fits = {tol: (json.load(open(f"{out}/fit-{tol}.json")), float(open(f"{out}/fit-{tol}.time").read().split()[-2]))
        for tol in ("1e-8", "1e-4")}
print("| run | wall s | to val ≤ %.4f | steps | CG iterations | final val loss | test loss | test acc | peak MB |" % target)
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
reaches, walls = [], []
for r in range(1, runs + 1):
    d = f"{out}/{r}"
    wall, peak = (float(v) for v in open(f"{d}/tune.time").read().split()[-2:])
    rows = list(csv.DictReader(open(f"{d}/run/history.csv")))
    hit = next((i for i, row in enumerate(rows) if float(row["validation_loss"]) <= target), None)
    # The progress line of step k (1-based) reads "<stamp> step    k/N  val ...".
    start, stamps = float(open(f"{d}/tune.start").read()), {}
    for line in open(f"{d}/tune.log"):
        m = re.match(r"([0-9.]+) step\s+([0-9]+)/", line)
        if m: stamps.setdefault(int(m.group(2)) - 1, float(m.group(1)) - start)
    reach = stamps[hit] if hit is not None else float("nan")
    reaches.append(reach); walls.append(wall)
    result = json.load(open(f"{d}/tune.json"))
    cg = sum(int(row["cg_iterations"]) for row in rows[: (hit + 1 if hit is not None else len(rows))])
    print(f"| hyperift tune l2-feature (Adam η = {eta}{', ' + extra if extra else ''}), run {r} | {wall:.1f} | "
          + (f"{reach:.1f} s (step {hit + 1})" if hit is not None else "not reached")
          + f" | {len(rows)} | {cg} to the target | {result['validationLoss']:.4f} | "
          f"{result['test']['loss']:.4f} | {result['test']['accuracy']:.4f} | {peak / 1024:.0f} |")
for tol, (fit, fit_wall) in fits.items():
    print(f"| scikit-learn fit at λ = −8, tol {tol} | {fit_wall:.1f} ({fit['seconds']:.1f} fitting) | — | — | "
          f"L-BFGS {fit['iterations']} | — | — | — | — |")
reach, wall = statistics.median(reaches), statistics.median(walls)
print(f"\nmedian of {runs}: {reach:.1f} s to the target, {wall:.1f} s for the whole tune process")
for tol, (fit, fit_wall) in fits.items():
    print(f"time to the target ÷ one fit at tol {tol}: {reach / fit_wall:.2f} (from the start of each process, "
          f"data reading included); the whole tune process ÷ the fit: {wall / fit_wall:.2f}")
PY
