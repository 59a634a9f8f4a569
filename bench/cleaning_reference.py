#!/usr/bin/env python3
"""Data and scikit-learn baselines for bench/cleaning.sh (Fashion-MNIST data hyper-cleaning).

  prepare   --noise R --seed S --out DIR    writes DIR/train.csv (20,000 rows, a fraction R relabelled)
                                            and DIR/truth.txt (the relabelled rows, 0-based, ascending)
  baselines --noise R --seed S --alpha A [--tol T] [--json]
                                            the same noisy rows; prints test accuracy of
                                            (a) LogisticRegression on the noisy rows,
                                            (b) the cross-validated agreement heuristic,
                                            (c) the oracle (the clean rows only), each timed;
                                            also (e) the 5,000 clean validation rows alone.

Rows: training = train file [0:20000], validation = train file [50000:55000], test = t10k; pixels
byte / 255.0 as the C# reader does. The model matches HyperIft's objective at unit weights,
f = (1/n) Σ ℓ_i + ½ α ‖W‖² with intercepts unpenalized: sklearn minimizes C Σ ℓ_i + ½ ‖W‖², the
same minimizer for C = 1 / (n α). Needs python3-numpy and python3-sklearn (Debian: /usr/bin/python3).
"""
import argparse, gzip, json, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_info  # a dependency of scikit-learn

DATA = "/usr/share/datasets/fashion-mnist"
TRAIN, VAL = (0, 20000), (50000, 55000)
CLASSES = 10


def idx(kind):
    """Images (rows × 784, float64 in [0, 1]) and labels of one IDX pair ('train' or 't10k')."""
    with gzip.open(f"{DATA}/{kind}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / 255.0
    with gzip.open(f"{DATA}/{kind}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x, y


def noisy_labels(y, noise, seed):
    """Relabels round(noise·n) rows, chosen by a seeded Generator, each with a class drawn uniformly
    from the other nine: adding 1..9 modulo 10 reaches each other class exactly once."""
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(y), size=round(noise * len(y)), replace=False))
    noisy = y.copy()
    noisy[picked] = (y[picked] + rng.integers(1, CLASSES, size=len(picked))) % CLASSES
    return noisy, picked


def prepare(a):
    import os
    x, y = idx("train")
    x, y = x[slice(*TRAIN)], y[slice(*TRAIN)]
    noisy, picked = noisy_labels(y, a.noise, a.seed)
    os.makedirs(a.out, exist_ok=True)
    # Pixels are k/255.0; repr is the shortest text that parses back to that very double (in .NET
    # too), and "0" keeps the mostly-black images' file small. One lookup table, not 15.7M reprs.
    text = ["0"] + [repr(k / 255.0) for k in range(1, 256)]
    pixels = np.rint(x * 255.0).astype(np.uint8)
    with open(f"{a.out}/train.csv", "w") as f:
        for row, label in zip(pixels, noisy):
            f.write(",".join(text[k] for k in row) + f",{label}\n")
    with open(f"{a.out}/truth.txt", "w") as f:
        f.writelines(f"{i}\n" for i in picked)
    print(f"{a.out}: {len(y)} rows, {len(picked)} relabelled (noise {a.noise}, seed {a.seed})", file=sys.stderr)


def model(n, a):
    # lbfgs fits the multinomial (softmax) model with all C weight columns and unpenalized intercepts,
    # like ours, at C = 1/(n·α) for the n rows it is given. tol is lbfgs's gradient tolerance on
    # sklearn's objective C Σ ℓ + ½ ‖W‖² = f/α, i.e. about α·tol on f (sklearn 1.2). Parallelism: none
    # in sklearn (n_jobs does nothing for a multinomial fit, and cross_val_predict runs its folds one
    # after the other); OpenBLAS inside numpy may use both cores for the matrix products.
    return LogisticRegression(C=1.0 / (n * a.alpha), solver="lbfgs", tol=a.tol, max_iter=10000, n_jobs=1)


def timed_fit(x, y, a):
    start = time.perf_counter()
    m = model(len(y), a).fit(x, y)
    return m, time.perf_counter() - start


def scored(m, seconds, x_test, y_test, rows):
    p = m.predict_proba(x_test)
    loss = -np.mean(np.log(np.clip(p[np.arange(len(y_test)), y_test], 1e-300, None)))
    return {"testAccuracy": float(np.mean(p.argmax(1) == y_test)), "testLoss": float(loss),
            "rows": int(rows), "iterations": int(m.n_iter_.max()), "seconds": round(seconds, 2)}


def baselines(a):
    x_all, y_all = idx("train")
    x, y = x_all[slice(*TRAIN)], y_all[slice(*TRAIN)]
    x_val, y_val = x_all[slice(*VAL)], y_all[slice(*VAL)]
    x_test, y_test = idx("t10k")
    noisy, picked = noisy_labels(y, a.noise, a.seed)
    corrupted = np.zeros(len(y), bool)
    corrupted[picked] = True
    threads = [" ".join(str(i[k]) for k in ("internal_api", "version", "architecture", "num_threads") if i.get(k))
               for i in threadpool_info()]  # which BLAS (and kernels) and how many threads the fits used
    out = {"noise": a.noise, "seed": a.seed, "alpha": a.alpha, "tol": a.tol, "corrupted": int(corrupted.sum()),
           "nJobs": 1, "threadpools": threads}

    # (a) = (d): what a user gets by fitting the noisy rows as they are.
    m, s = timed_fit(x, noisy, a)
    out["noisy"] = scored(m, s, x_test, y_test, len(y))

    # (b) A common heuristic: 5-fold cross-validated predictions of the same model, keep the rows
    # whose prediction agrees with their label, refit on those. Its "suspects" are the disagreeing
    # rows; the CV probability of the given label ranks rows for an AUC comparable to ours.
    start = time.perf_counter()
    folds = StratifiedKFold(5, shuffle=True, random_state=a.seed)  # each fold fits 4/5 of the rows
    proba = cross_val_predict(model(len(y) * 4 // 5, a), x, noisy, cv=folds, method="predict_proba", n_jobs=1)
    suspect = proba.argmax(1) != noisy
    m, _ = timed_fit(x[~suspect], noisy[~suspect], a)
    s = time.perf_counter() - start  # CV and refit together (the refit's C follows its row count, as the oracle's)
    hits = int((suspect & corrupted).sum())
    out["heuristic"] = scored(m, s, x_test, y_test, (~suspect).sum()) | {
        "suspects": int(suspect.sum()),
        "precision": hits / max(int(suspect.sum()), 1),
        "recall": hits / max(int(corrupted.sum()), 1),
        "auc": float(roc_auc_score(corrupted, -proba[np.arange(len(y)), noisy])) if 0 < corrupted.sum() < len(y) else None}

    # (c) The oracle: the clean rows only, at C = 1/(n_clean α).
    m, s = timed_fit(x[~corrupted], noisy[~corrupted], a)
    out["oracle"] = scored(m, s, x_test, y_test, (~corrupted).sum())

    # (e) The trusted validation rows alone: what any cleaning must beat once the labels carry
    # little signal (at 90 % noise with labels drawn from the other nine classes they carry none).
    m, s = timed_fit(x_val, y_val, a)
    out["validationOnly"] = scored(m, s, x_test, y_test, len(y_val))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["prepare", "baselines"])
    p.add_argument("--noise", type=float, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out")
    p.add_argument("--alpha", type=float, default=1e-3)
    p.add_argument("--tol", type=float, default=1e-6, help="lbfgs gradient tolerance (see model())")
    p.add_argument("--json", action="store_true", help="one JSON object (the default output too)")
    a = p.parse_args()
    if a.command == "prepare":
        if not a.out: p.error("prepare needs --out")
        prepare(a)
    else:
        print(json.dumps(baselines(a)))


if __name__ == "__main__":
    main()
