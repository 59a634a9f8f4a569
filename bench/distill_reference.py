#!/usr/bin/env python3
"""Baselines and an independent scorer for bench/distill.sh and bench/augment.sh (Fashion-MNIST).

  real  --per-class K --seed S --out FILE   writes K training rows per class, drawn at random (seeded)
                                            from the training rows [0:50000], class-major as distill's λ
                                            (one value a line: the file a `--lambda-file` takes)
  score --theta FILE --hidden H             test loss and accuracy on t10k of θ in the layout of SPEC §7
                                            (H = 0: softmax), computed here with numpy, independently of HyperIft
  gauss --sigma S --out FILE                augment's λ (SPEC §8) for a hand-made Gaussian augmentation with q = p:
                                            A = 0, B = S·I, c = 0, so that x̃ = x + tanh(S ε), ε ~ N(0, I)
  init  --hidden H --rows N --alpha A --out FILE
                                            θ₀ for a network's first inner solve: scikit-learn's MLPClassifier
                                            (full-batch L-BFGS, 200 iterations) on the training rows [0:N],
                                            written in the layout of SPEC §7 (the last output bias pinned at 0
                                            by shifting all ten, which leaves the softmax unchanged)
  full  --hidden H --alpha A                the same model trained on all 50,000 rows by scikit-learn
                                            (LogisticRegression / MLPClassifier, full-batch L-BFGS, the same
                                            objective: mean cross-entropy + ½ α ‖W‖²); test loss and accuracy

Pixels byte / 255.0 as the C# reader does. Needs python3-numpy and python3-sklearn (Debian: /usr/bin/python3).
"""
import argparse, gzip, json, time
import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
CLASSES, P = 10, 784


def idx(kind):
    with gzip.open(f"{DATA}/{kind}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, P) / 255.0
    with gzip.open(f"{DATA}/{kind}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x, y


def metrics(scores, y):
    scores = scores - scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean()), float((scores.argmax(axis=1) == y).mean())


def forward(theta, hidden, x):
    """Scores of the θ layout of SPEC §7: W feature-major, biases after each layer, the last class's bias pinned at 0."""
    at, z, inputs = 0, x, P
    for width in ([hidden] if hidden else []):
        w = theta[at:at + inputs * width].reshape(inputs, width); at += inputs * width
        b = theta[at:at + width]; at += width
        z, inputs = np.tanh(z @ w + b), width
    w = theta[at:at + inputs * CLASSES].reshape(inputs, CLASSES); at += inputs * CLASSES
    b = np.append(theta[at:at + CLASSES - 1], 0.0); at += CLASSES - 1
    assert at == len(theta), f"θ has {len(theta)} values, the layout {at}"
    return z @ w + b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["real", "score", "gauss", "init", "full"])
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--sigma", type=float, default=0.1)
    ap.add_argument("--per-class", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out")
    ap.add_argument("--theta")
    ap.add_argument("--hidden", type=int, default=0)
    ap.add_argument("--alpha", type=float, default=1e-3)
    a = ap.parse_args()
    if a.command == "real":
        x, y = idx("train")
        x, y = x[:50000], y[:50000]
        rng = np.random.default_rng(a.seed)
        rows = [x[rng.choice(np.flatnonzero(y == c), a.per_class, replace=False)] for c in range(CLASSES)]
        np.savetxt(a.out, np.concatenate(rows).ravel(), fmt="%.17g")
        return
    if a.command == "gauss":
        b = a.sigma * np.eye(P)
        np.savetxt(a.out, np.concatenate([np.zeros(P * P), b.ravel(), np.zeros(P)]), fmt="%.17g")
        return
    xt, yt = idx("t10k")
    if a.command == "score":
        loss, acc = metrics(forward(np.loadtxt(a.theta), a.hidden, xt), yt)
        print(json.dumps({"testLoss": loss, "testAccuracy": acc}))
        return
    if a.command == "init":
        from sklearn.neural_network import MLPClassifier
        x, y = idx("train")
        x, y = x[:a.rows], y[:a.rows]
        m = MLPClassifier(hidden_layer_sizes=(a.hidden,), activation="tanh", solver="lbfgs", alpha=len(y) * a.alpha,
                          max_iter=200, random_state=0).fit(x, y)
        b_out = m.intercepts_[1] - m.intercepts_[1][-1]
        np.savetxt(a.out, np.concatenate([m.coefs_[0].ravel(), m.intercepts_[0], m.coefs_[1].ravel(), b_out[:-1]]), fmt="%.17g")
        return
    x, y = idx("train")
    x, y = x[:50000], y[:50000]
    clock = time.perf_counter()
    if a.hidden == 0:
        from sklearn.linear_model import LogisticRegression
        model = LogisticRegression(C=1.0 / (len(y) * a.alpha), max_iter=2000, tol=1e-8).fit(x, y)
        scores = model.decision_function(xt)
    else:
        from sklearn.neural_network import MLPClassifier
        # Full batch: sklearn's penalty is alpha/(2n)‖W‖², ours ½α‖W‖² (hidden biases aside, 1e-3·Σb²).
        model = MLPClassifier(hidden_layer_sizes=(a.hidden,), activation="tanh", solver="lbfgs", alpha=len(y) * a.alpha,
                              max_iter=300, tol=1e-8, random_state=0).fit(x, y)
        h = np.tanh(xt @ model.coefs_[0] + model.intercepts_[0])
        scores = h @ model.coefs_[1] + model.intercepts_[1]
    loss, acc = metrics(scores, yt)
    print(json.dumps({"testLoss": loss, "testAccuracy": acc, "seconds": time.perf_counter() - clock}))


if __name__ == "__main__":
    main()
