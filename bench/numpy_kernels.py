#!/usr/bin/env python3
"""The Hessian-vector products of HyperIft's kernels, in numpy, on shards of the same shapes as
bench/HyperIft.Benchmarks (KernelBenchmarks): logistic 20,000 x 100, softmax 20,000 x 784 with 10
classes. Prints one JSON object of median seconds, to be set beside the C# medians.

usage: numpy_kernels.py [repeats]
"""
import json
import sys
import time

import numpy as np


def median_time(f, repeats):
    f()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main(repeats):
    rng = np.random.default_rng(1)
    out = {"numpy": np.__version__}

    n, p = 20_000, 100
    X = rng.standard_normal((n, p))
    d2 = rng.uniform(0.05, 0.25, n)           # sigma(z)(1 - sigma(z)) at some point
    v, vb = rng.standard_normal(p), 0.3

    def logistic_hvp():
        t = d2 * (X @ v + vb)
        return X.T @ t, t.sum()

    out["logisticHvpSeconds"] = median_time(logistic_hvp, repeats)
    out["logisticReadSeconds"] = median_time(lambda: X.sum(), repeats)

    n, p, c = 20_000, 784, 10
    X = rng.standard_normal((n, p))
    Z = X @ (0.01 * rng.standard_normal((p, c)))
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    V, Vb = rng.standard_normal((p, c)), rng.standard_normal(c)

    def softmax_hvp():
        U = X @ V + Vb
        R = P * (U - (P * U).sum(axis=1, keepdims=True))
        return X.T @ R, R.sum(axis=0)

    out["softmaxHvpSeconds"] = median_time(softmax_hvp, repeats)
    print(json.dumps(out))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
