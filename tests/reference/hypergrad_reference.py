#!/usr/bin/env python3
"""Independent reference for `hyperift hypergrad --json` (SPEC §1-§4), in numpy.

Dense everything: the Hessian and the cross-derivative matrix are built from their closed-form
expressions, the inner problem is solved by damped Newton on the dense Hessian, and
dg/dλ = -(∂²f/∂λ∂θ) H⁻¹ ∇g. Shares no code with the C# implementation.

usage: hypergrad_reference.py MODEL KIND TRAIN.csv VAL.csv LAMBDA [--l2 A] [--no-intercept]
prints one JSON object: validationLoss, trainLoss, hypergradient.
"""
import json
import sys

import numpy as np


def load(path):
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    return data[:, :-1], data[:, -1]


def main(argv):
    model, kind, train, val, lam = argv[:5]
    l2 = float(argv[argv.index("--l2") + 1]) if "--l2" in argv else 1e-3
    intercept = "--no-intercept" not in argv
    X, y = load(train)
    Xv, yv = load(val)
    n, p = X.shape
    C = int(y.max()) + 1 if model == "softmax" else 1
    nb = (C - 1 if model == "softmax" else 1) if intercept else 0
    nw = p * C
    d = nw + nb

    def scores(theta, A):
        W = theta[:nw].reshape(p, C)  # feature-major
        b = np.zeros(C)
        b[:nb] = theta[nw:]
        return A @ W + b

    def design(A):
        # J_i: ∂z_i/∂θ as an (n, C, d) tensor
        m = A.shape[0]
        J = np.zeros((m, C, d))
        for c in range(C):
            J[:, c, np.arange(p) * C + c] = A
            if c < nb:
                J[:, c, nw + c] = 1.0
        return J

    def point(z, labels):
        """per-row loss, dℓ/dz (m, C), d²ℓ/dz² (m, C, C)"""
        if model == "ridge":
            r = z[:, 0] - labels
            return 0.5 * r**2, r[:, None], np.ones((len(r), 1, 1))
        if model == "logistic":
            s = np.where(labels > 0, 1.0, -1.0)
            m = s * z[:, 0]
            sig_neg = 1.0 / (1.0 + np.exp(m))
            return np.logaddexp(0, -m), (-s * sig_neg)[:, None], (sig_neg * (1 - sig_neg))[:, None, None]
        zmax = z.max(axis=1, keepdims=True)
        e = np.exp(z - zmax)
        P = e / e.sum(axis=1, keepdims=True)
        Y = np.eye(C)[labels.astype(int)]
        loss = np.log(e.sum(axis=1)) + zmax[:, 0] - (z * Y).sum(axis=1)
        return loss, P - Y, np.einsum("ic,cd->icd", P, np.eye(C)) - np.einsum("ic,id->icd", P, P)

    lam_vec = np.loadtxt(lam, ndmin=1) if lam.endswith(".txt") else None
    L = {"l2": 1, "l2-feature": p, "l2-param": nw, "example-weights": n}[kind]
    lam_vec = lam_vec if lam_vec is not None else np.full(L, float(lam))
    group = {"l2": np.zeros(nw, int), "l2-feature": np.arange(nw) // C,
             "l2-param": np.arange(nw), "example-weights": np.zeros(nw, int)}[kind]
    if kind == "example-weights":
        c = 2.0 / (1.0 + np.exp(-lam_vec))
        dc = c * (1 - c / 2)
        strength = np.full(nw, l2)
    else:
        c = np.ones(n)
        strength = np.exp(lam_vec[group])
    J = design(X)

    def f(theta):
        loss, d1, d2 = point(scores(theta, X), y)
        w = theta[:nw]
        grad = np.einsum("i,ic,icd->d", c, d1, J) / n
        grad[:nw] += strength * w
        H = np.einsum("i,icd,ice,ief->df", c, J, d2, J) / n
        H[:nw, :nw] += np.diag(strength)
        return (c @ loss) / n + 0.5 * strength @ w**2, grad, H, d1

    theta = np.zeros(d)
    for _ in range(200):
        val, grad, H, _ = f(theta)
        if np.linalg.norm(grad) < 1e-13:
            break
        step = np.linalg.solve(H, -grad)
        t = 1.0
        # Backtrack only far from the optimum: near it f changes below its rounding, and pure
        # Newton steps converge quadratically anyway.
        while np.linalg.norm(grad) > 1e-6 and f(theta + t * step)[0] > val + 1e-4 * t * grad @ step and t > 1e-10:
            t /= 2
        theta = theta + t * step
    train_loss, grad, H, d1 = f(theta)

    zv = scores(theta, Xv)
    lv, dv, _ = point(zv, yv)
    gval = np.einsum("ic,icd->d", dv, design(Xv)) / len(yv)
    v = np.linalg.solve(H, gval)

    # cross[k] = ∂/∂λ_k (vᵀ ∇θ f)
    if kind == "example-weights":
        cross = dc * np.einsum("ic,icd,d->i", d1, J, v) / n
    else:
        cross = np.zeros(L)
        np.add.at(cross, group, strength * theta[:nw] * v[:nw])
    print(json.dumps({"validationLoss": float(lv.mean()), "trainLoss": float(train_loss),
                      "hypergradient": (-cross).tolist()}))


if __name__ == "__main__":
    main(sys.argv[1:])
