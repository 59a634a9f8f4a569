#!/usr/bin/env bash
# Data hyper-cleaning on Fashion-MNIST (README, docs/PERFORMANCE.md): 20,000 training rows (train file
# [0:20000]) of which a fraction gets a label drawn uniformly from the other nine classes (seeded),
# 5,000 clean validation rows (train file [50000:55000]), scored on t10k; softmax, L2 strength ALPHA.
# For each noise level: `hyperift clean` timed with /usr/bin/time -v, then the scikit-learn baselines
# of bench/cleaning_reference.py (noisy fit, cross-validated agreement heuristic, oracle, validation
# rows alone) in the same run; prints one Markdown table. Outputs under bench/results/cleaning/ (ignored
# by git; each level's train.csv is 160 MB).
# usage: bench/cleaning.sh [NOISE_LEVELS] [STEPS]   (defaults: "0.5 0.7 0.9" 15)
#        env ALPHA (1e-3), ETA (outer learning rate, 1.0), SEED (1), TOL (inner and CG tolerance, 1e-6,
#        reached by HOAG's schedule from 1e-4)
set -euo pipefail
cd "$(dirname "$0")/.."
levels=${1:-0.5 0.7 0.9} steps=${2:-15}
alpha=${ALPHA:-1e-3} eta=${ETA:-1.0} seed=${SEED:-1} tol=${TOL:-1e-6}
out=bench/results/cleaning
py=/usr/bin/python3  # Debian's python3 with python3-numpy and python3-sklearn
[[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] && $py -c 'import numpy, sklearn' 2>/dev/null \
  || { apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist python3-numpy python3-sklearn >/dev/null; }
# Debian's OpenBLAS 0.3.21 takes an AVX-512 CPU for an old one (Prescott kernels, 1.6–2× slower on the
# products of these fits; docs/PERFORMANCE.md): name the core type so scikit-learn is timed at its best.
blas=(); grep -q avx512f /proc/cpuinfo && blas=(OPENBLAS_CORETYPE=SkylakeX)
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
for noise in $levels; do
  dir=$out/noise-$noise
  $py bench/cleaning_reference.py prepare --noise "$noise" --seed "$seed" --out "$dir"
  /usr/bin/time -v -o "$dir/clean.time" dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll clean \
    --model softmax --train "$dir/train.csv" --val 'fashion-mnist[50000:55000]' --test fashion-mnist:test \
    --truth "$dir/truth.txt" --l2 "$alpha" --steps "$steps" --outer-lr "$eta" --tol "$tol" --tol-schedule hoag \
    --output "$dir/clean" --overwrite --json > "$dir/clean.json" 2> "$dir/clean.log"
  env "${blas[@]}" $py bench/cleaning_reference.py baselines --noise "$noise" --seed "$seed" --alpha "$alpha" --json > "$dir/baselines.json"
done
$py - "$out" $levels <<'PY'
import json, re, sys
out, levels = sys.argv[1], sys.argv[2:]
head = ("noise", "noisy", "clean", "oracle", "CV-agree", "val only", "ours@w=1", "clean P / R / AUC",
        "clean s", "peak MB", "noisy fit s", "heuristic s", "heur. P / R")
row = lambda cells: print("| " + " | ".join(cells) + " |")  # a Markdown table, to paste into docs/PERFORMANCE.md
row(head)
row("-" * len(h) for h in head)
for noise in levels:
    d = f"{out}/noise-{noise}"
    c, b = json.load(open(f"{d}/clean.json")), json.load(open(f"{d}/baselines.json"))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{d}/clean.time").read()).group(1)) / 1024
    h = b["heuristic"]
    row([noise, f"{b['noisy']['testAccuracy']:.4f}", f"{c['test']['accuracy']:.4f}", f"{b['oracle']['testAccuracy']:.4f}",
         f"{h['testAccuracy']:.4f}", f"{b['validationOnly']['testAccuracy']:.4f}", f"{c['initialTest']['accuracy']:.4f}",
         f"{c['precision']:.3f} / {c['recall']:.3f} / {c['auc']:.3f}", f"{c['settings']['wallSeconds']:.1f}", f"{peak:.0f}",
         f"{b['noisy']['seconds']:.1f}", f"{h['seconds']:.1f}", f"{h['precision']:.3f} / {h['recall']:.3f}"])
print(f"\ntest accuracy on t10k. noisy / oracle / CV-agree / val only: scikit-learn LogisticRegression (lbfgs, "
      f"C = 1/(n·α), n_jobs=1) on the noisy rows / the clean rows / the rows its 5-fold CV predictions agree with / "
      f"the 5,000 validation rows; ours@w=1: HyperIft's θ* before cleaning (should match noisy). "
      f"α = {b['alpha']}, seed {b['seed']}.")
PY
