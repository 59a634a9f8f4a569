#!/usr/bin/env python3
"""One scikit-learn LogisticRegression fit on Fashion-MNIST (first 50,000 training images) at the
λ of HyperIft's objective: f = (1/n) Σ ℓ + ½ e^λ ‖W‖² is sklearn's C Σ ℓ + ½ ‖W‖² with
C = 1 / (n e^λ) (multinomial, intercepts unpenalized). Prints seconds and iterations as JSON.

usage: fmnist_sklearn.py LAMBDA TOL
"""
import gzip, json, math, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression

lam, tol = float(sys.argv[1]), float(sys.argv[2])
d = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{d}/train-images-idx3-ubyte.gz") as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:50000] / 255.0
with gzip.open(f"{d}/train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:50000]
n = X.shape[0]
model = LogisticRegression(C=1.0 / (n * math.exp(lam)), tol=tol, max_iter=5000, solver="lbfgs")
t = time.perf_counter()
model.fit(X, y)
print(json.dumps({"seconds": time.perf_counter() - t, "iterations": int(model.n_iter_[0]), "lambda": lam, "tol": tol}))
