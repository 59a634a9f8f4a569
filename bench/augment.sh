#!/usr/bin/env bash
# Learned data augmentation on Fashion-MNIST (README, SPEC §8): an mlp 784-HIDDEN-10 trained on ROWS training
# rows (so that augmentation can matter), scored on the 10,000 validation rows [50000:60000] and on t10k, with
#   none     — the rows alone (--hyper l2 at the fixed strength --l2 = L2), from θ₀ = scikit-learn's L-BFGS fit of
#              the same network (200 iterations: a cold trust-region start at this size takes far longer), polished
#              by HyperIft's trust-region solve to --tol;
#   gaussian — one copy a row, x + tanh(σε) with ε ~ N(0, I₇₈₄), for σ in SIGMAS: augment's own kind with
#              A = 0, B = σI, c = 0 (bench/distill_reference.py gauss); the best σ by validation loss counts;
#   learned  — augment tuned for STEPS outer steps from λ = 0 (copies = rows, the 'none' problem), q = 16.
# Every solve but the first starts from none's θ* (--init), as the tuned run's steps warm-start from the last.
# usage: [TOL=1e-5] [L2=1e-3] bench/augment.sh [STEPS] [HIDDEN] [ROWS] [SIGMAS]   (defaults: 5 256 10000 "0.05 0.1 0.2"; TOL: inner and
# CG tolerance; L2: the fixed weight penalty of every run, which also sets how far from convex the inner problem is: at 1e-3 the
# polish of 784-256-10 on 10,000 rows did not reach 1e-3 in 100 trust-region iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-5} hidden=${2:-256} rows=${3:-10000} sigmas=${4:-"0.05 0.1 0.2"}
out=bench/results/augment
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
hyperift=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
reference() { OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/distill_reference.py "$@"; }
common=(--model mlp --hidden "$hidden" --train "fashion-mnist[0:$rows]" --val 'fashion-mnist[50000:60000]' --l2 "${L2:-1e-3}")
solve=(--tol "${TOL:-1e-5}" --damping 1e-3 --max-cg 100)

reference init --hidden "$hidden" --rows "$rows" --alpha "${L2:-1e-3}" --out "$out/theta0.txt"
/usr/bin/time -v -o "$out/none.time" "${hyperift[@]}" hypergrad "${common[@]}" --hyper l2 --lambda "$(/usr/bin/python3 -c "import math; print(math.log(${L2:-1e-3}))")" "${solve[@]}" \
  --init "$out/theta0.txt" \
  --theta-out "$out/none-theta.txt" --json > "$out/none.json" 2> "$out/none.log"
reference score --theta "$out/none-theta.txt" --hidden "$hidden" > "$out/none.score.json"

# The learned run before the grid: it is the result, the grid its yardstick.
HYPERIFT_LOG_LEVEL=Information /usr/bin/time -v -o "$out/learned.time" "${hyperift[@]}" tune "${common[@]}" --hyper augment --lambda 0 --init "$out/none-theta.txt" \
  --steps "$steps" --outer-lr 0.002 "${solve[@]}" --test fashion-mnist:test --output "$out/learned" --overwrite --json \
  > "$out/learned.json" 2> "$out/learned.log"
reference score --theta "$out/learned/theta.txt" --hidden "$hidden" > "$out/learned.score.json"

for sigma in $sigmas; do
  reference gauss --sigma "$sigma" --out "$out/gauss-$sigma-lambda.txt"
  /usr/bin/time -v -o "$out/gauss-$sigma.time" "${hyperift[@]}" hypergrad "${common[@]}" --hyper augment --augment-noise 784 \
    --lambda-file "$out/gauss-$sigma-lambda.txt" --init "$out/none-theta.txt" "${solve[@]}" \
    --theta-out "$out/gauss-$sigma-theta.txt" --json > "$out/gauss-$sigma.json" 2> "$out/gauss-$sigma.log"
  reference score --theta "$out/gauss-$sigma-theta.txt" --hidden "$hidden" > "$out/gauss-$sigma.score.json"
done

/usr/bin/python3 - "$out" "$sigmas" <<'PY'
import json, os, re, sys
out, sigmas = sys.argv[1], sys.argv[2].split()
load = lambda name: json.load(open(os.path.join(out, name)))
peak = lambda tag: int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(out, tag + ".time")).read()).group(1)) / 1024
print(f"{'augmentation':<16} {'val loss':>9} {'test loss':>9} {'test acc':>8} {'peak MB':>8}")
rows = [("none", "none")] + [(f"gaussian σ={s}", f"gauss-{s}") for s in sigmas] + [("learned", "learned")]
for name, tag in rows:
    r, s = load(tag + ".json"), load(tag + ".score.json")
    print(f"{name:<16} {r['validationLoss']:>9.4f} {s['testLoss']:>9.4f} {s['testAccuracy']:>8.4f} {peak(tag):>8.0f}")
h = open(os.path.join(out, "learned", "history.csv")).read().splitlines()
print("learned, by step (validation loss, seconds):", [(float(l.split(',')[1]), float(l.split(',')[7])) for l in h[1:]])
PY
