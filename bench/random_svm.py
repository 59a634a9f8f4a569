#!/usr/bin/env python3
"""Random sparse binary-classification rows as LIBSVM (the cases of issue 15 and docs/PERFORMANCE.md,
"Sparse data"): N rows, about NNZ non-zeros each over P features (uniform columns, values in
[0.1, 1.1)), labels from a sparse w* (5 % of the features) plus noise. Seeded.

usage: random_svm.py N P NNZ SEED OUT
"""
import numpy as np, sys
n, p, nnz, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = np.random.default_rng(seed)
w = rng.standard_normal(p) * (rng.random(p) < 0.05)
with open(out, "w") as f:
    for i in range(n):
        cols = np.unique(rng.integers(0, p, nnz)); vals = rng.random(len(cols)) + 0.1
        z = vals @ w[cols] + 0.5 * rng.standard_normal()
        f.write(("1" if z > 0 else "0") + " " + " ".join(f"{c+1}:{v:.4f}" for c, v in zip(cols, vals)) + "\n")
