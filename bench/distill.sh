#!/usr/bin/env bash
# Dataset distillation on Fashion-MNIST (README, SPEC §8). For softmax and an mlp (784-HIDDEN-10), with
# k = 1 and k = 10 learned rows per class: tune them from the class means for STEPS outer steps against
# the 10,000 validation rows [50000:60000], then score on t10k the model trained on them alone, on k real
# rows a class (random, seeded) and on all 50,000 training rows (scikit-learn, the same objective).
# Test metrics are computed twice: by `tune --test` and, from theta.txt, by bench/distill_reference.py.
# usage: bench/distill.sh [STEPS] [HIDDEN] [KS]   (defaults: 60 256 "1 10")
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-60} hidden=${2:-256} ks=${3:-"1 10"}
out=bench/results/distill
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
hyperift=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
reference() { OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/distill_reference.py "$@"; }
data=(--train 'fashion-mnist[0:50000]' --val 'fashion-mnist[50000:60000]')
# The network's inner problem on k·C rows is far from convex: a damped linear solve and a looser tolerance.
solve_softmax=(--tol 1e-8) solve_mlp=(--tol 1e-6 --damping 1e-3 --max-cg 300)

for model in softmax mlp; do
  if [ "$model" = mlp ]; then net=(--hidden "$hidden"); h=$hidden; solve=("${solve_mlp[@]}"); else net=(); h=0; solve=("${solve_softmax[@]}"); fi
  for k in $ks; do
    tag=$model-k$k
    /usr/bin/time -v -o "$out/$tag.time" "${hyperift[@]}" tune --model "$model" "${net[@]}" --hyper distill --distill-per-class "$k" \
      "${data[@]}" --test fashion-mnist:test --steps "$steps" --outer-lr 0.02 "${solve[@]}" \
      --output "$out/$tag" --overwrite --json > "$out/$tag.json" 2> "$out/$tag.log"
    reference score --theta "$out/$tag/theta.txt" --hidden "$h" > "$out/$tag.score.json"
    reference real --per-class "$k" --seed 0 --out "$out/real-k$k.txt"
    "${hyperift[@]}" hypergrad --model "$model" "${net[@]}" --hyper distill --distill-per-class "$k" "${data[@]}" \
      --lambda-file "$out/real-k$k.txt" "${solve[@]}" --theta-out "$out/$tag-real-theta.txt" --json > "$out/$tag-real.json" 2> "$out/$tag-real.log"
    reference score --theta "$out/$tag-real-theta.txt" --hidden "$h" > "$out/$tag-real.score.json"
  done
  reference full --hidden "$h" > "$out/$model-full.json"
done

/usr/bin/python3 - "$out" "$ks" <<'PY'
import json, os, re, sys
out, ks = sys.argv[1], sys.argv[2].split()
load = lambda name: json.load(open(os.path.join(out, name)))
print(f"{'model':<8} {'k':>3} {'val loss start→end':>20} {'test acc distilled':>18} {'(numpy)':>8} {'k real rows':>11} {'all 50,000':>10} {'seconds':>8} {'peak MB':>8}")
for model in ["softmax", "mlp"]:
    full = load(f"{model}-full.json")
    for k in ks:
        tag = f"{model}-k{k}"
        r, s, real = load(f"{tag}.json"), load(f"{tag}.score.json"), load(f"{tag}-real.score.json")
        first = float(open(os.path.join(out, tag, "history.csv")).read().splitlines()[1].split(",")[1])
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(out, tag + ".time")).read()).group(1)) / 1024
        print(f"{model:<8} {k:>3} {first:>9.4f} → {r['validationLoss']:<8.4f} {r['test']['accuracy']:>18.4f} {s['testAccuracy']:>8.4f} "
              f"{real['testAccuracy']:>11.4f} {full['testAccuracy']:>10.4f} {r['settings']['wallSeconds']:>8.1f} {peak:>8.0f}")
PY
