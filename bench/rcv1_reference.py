#!/usr/bin/env python3
"""Synthetic text-like data of rcv1's shape and the scikit-learn side of bench/rcv1_shape.sh.

  generate --out DIR [--rows N] [--val-rows M] [--features P] [--nnz K] [--zipf A] [--seed S]
           writes DIR/train.svm and DIR/val.svm (LIBSVM, labels 0/1, 1-based ascending indices),
           DIR/train.npz (the same training matrix as scipy CSR, for the fit below) and DIR/meta.json
  fit      --data DIR --lambda L [--tol T]
           one LogisticRegression(lbfgs) on train.npz at C = 1/(n e^λ); prints one JSON object:
           n_iter_, fit seconds, load seconds, RSS idle / after loading / peak (getrusage)
  report   --data DIR --lambda L --fit-json F --embedded-json F --embedded-time F --idle-time F
           [--cluster-json F --cluster-time F --cluster-silo-peaks "KB KB"]
           prints the Markdown table

The data (defaults: rcv1's training shape, 677,399 × 47,236, 73 non-zeros a row; 20,000 validation
rows), seeded, generated in chunks of 20,000 rows with numpy only:
- columns: token k ∈ 1..P drawn with probability ∝ k^−A (Zipf, A = 1.1, truncated to P), so column
  frequencies fall off as in text; each row draws T_i tokens, T_i lognormal (σ = 0.5) around a mean
  chosen so that a row holds K distinct columns on average; repeats within a row become the term
  count tf (so the row's indices are distinct and sorted);
- values: tf-idf-like, (1 + log tf) · idf_k with idf_k = 1 + log(1 / Pr[column k in a row]) (the
  expected document frequency, so no second pass), each row L2-normalised, then rounded to 6
  decimals (written as 0.dddddd, in [1e-6, 0.999999]); train.npz holds exactly the doubles the
  files' text reads as (q / 1e6, correctly rounded, is the double nearest to "0.dddddd");
- labels: a ground truth w* with 10 % of the columns non-zero (N(0, 1)), scores s = x·w* scaled to
  standard deviation 2.5 and centred at the median of the first chunk, y ~ Bernoulli(σ(s)): about 19 %
  of the labels disagree with sign(s) (label noise; the problem is not separable), classes balanced.
Random streams: X of training from Generator([seed, 0]), its labels [seed, 1], X of validation
[seed, 2], its labels [seed, 3]; w* from [seed, 4]. The text is assembled as bytes by vectorised
digit arithmetic (no per-number formatting in Python).

The objective: hyperift's logistic f = (1/n) Σ ℓ_i + ½ e^λ ‖w‖² (intercept unpenalized, SPEC §4);
scikit-learn minimizes C Σ ℓ_i + ½ ‖w‖² = C n f = f / e^λ, the same minimizer for C = 1 / (n e^λ).
lbfgs's tol bounds that objective's projected gradient (max-abs), so its default 1e-4 is ‖∇f‖∞ ≤
e^λ · 1e-4 (≈ 6e-10 at λ = −12), next to hyperift's default ‖∇f‖₂ ≤ 1e-10.
Needs python3-numpy, python3-scipy, python3-sklearn (Debian: /usr/bin/python3).
"""
import argparse, json, os, re, resource, sys, time
import numpy as np

CHUNK = 20000
SIGMA = 0.5          # lognormal spread of the tokens a row draws


def zipf_cdf(p, a):
    q = np.arange(1, p + 1, dtype=np.float64) ** -a
    q /= q.sum()
    return q, np.cumsum(q)


def length_quadrature(k=64):
    """Multipliers e^{σZ − σ²/2} at the midpoint quantiles of Z ~ N(0, 1) (equal weights)."""
    from statistics import NormalDist
    z = np.array([NormalDist().inv_cdf((i + 0.5) / k) for i in range(k)])
    return np.exp(SIGMA * z - SIGMA ** 2 / 2)


def presence(q, t_mean, mult):
    """Pr[column k in a row] for rows of T = t_mean · mult tokens (one row per multiplier, equal weights)."""
    t = t_mean * mult
    return 1.0 - np.mean(np.exp(np.outer(t, np.log1p(-q))), axis=0)


def mean_tokens(q, nnz, mult):
    """The mean tokens a row so that a row holds nnz distinct columns on average (bisection)."""
    lo, hi = float(nnz), 1000.0 * nnz
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if presence(q, mid, mult).sum() < nnz else (lo, mid)
    return (lo + hi) / 2


def rows_chunk(rng, rows, t_mean, cdf, idf, p):
    """CSR pieces (indptr, 0-based sorted indices int32, quantized values q ∈ [1, 999999] int64) of rows rows."""
    t = np.maximum(1, np.rint(t_mean * np.exp(SIGMA * rng.standard_normal(rows) - SIGMA ** 2 / 2))).astype(np.int64)
    cols = np.minimum(np.searchsorted(cdf, rng.random(int(t.sum())), side="right"), p - 1)
    key = np.repeat(np.arange(rows, dtype=np.int64), t) * p + cols
    key, tf = np.unique(key, return_counts=True)  # sorted by row, then column: CSR order, repeats counted
    r, c = key // p, (key % p).astype(np.int32)
    v = (1.0 + np.log(tf)) * idf[c]
    norm = np.sqrt(np.bincount(r, weights=v * v, minlength=rows))
    qv = np.clip(np.rint(v / norm[r] * 1e6), 1, 999999).astype(np.int64)
    indptr = np.zeros(rows + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=rows), out=indptr[1:])
    return indptr, c, qv


def svm_bytes(labels, indptr, cols, qv):
    """LIBSVM text of one chunk as a uint8 array: 'y i:0.dddddd ...\\n' with 1-based i."""
    idx = cols.astype(np.int64) + 1
    ndig = np.ones(len(idx), np.int64)
    for d in range(1, 19):
        big = idx >= 10 ** d
        if not big.any():
            break
        ndig += big
    elen = 10 + ndig                                   # ' ' + digits + ':' + '0.' + 6 digits
    rows = len(labels)
    ecum = np.zeros(len(idx) + 1, np.int64)
    np.cumsum(elen, out=ecum[1:])
    rowlen = 2 + (ecum[indptr[1:]] - ecum[indptr[:-1]])  # label digit + entries + '\n'
    rstart = np.zeros(rows + 1, np.int64)
    np.cumsum(rowlen, out=rstart[1:])
    buf = np.empty(int(rstart[-1]), np.uint8)
    buf[rstart[:-1]] = 48 + labels
    buf[rstart[1:] - 1] = 10
    r = np.repeat(np.arange(rows), np.diff(indptr))
    s = rstart[r] + 1 + (ecum[:-1] - ecum[indptr[r]])  # where each entry's ' ' goes
    buf[s] = 32
    for k in range(int(ndig.max())):
        m = ndig > k
        buf[s[m] + 1 + k] = 48 + (idx[m] // 10 ** (ndig[m] - 1 - k)) % 10
    e = s + 1 + ndig
    buf[e], buf[e + 1], buf[e + 2] = 58, 48, 46       # ':', '0', '.'
    for k in range(6):
        buf[e + 3 + k] = 48 + (qv // 10 ** (5 - k)) % 10
    return buf


def write_set(path, n, p, t_mean, cdf, idf, w_star, seed, stream, scale_shift, keep):
    """Writes n rows to path; returns (nnz, scale_shift, CSR pieces if keep)."""
    rx, ry = np.random.default_rng([seed, stream]), np.random.default_rng([seed, stream + 1])
    nnz, parts, positives = 0, [], 0
    with open(path, "wb") as f:
        for lo in range(0, n, CHUNK):
            rows = min(CHUNK, n - lo)
            indptr, cols, qv = rows_chunk(rx, rows, t_mean, cdf, idf, p)
            vals = qv / 1e6
            score = np.add.reduceat(vals * w_star[cols], indptr[:-1]) if len(cols) else np.zeros(rows)
            if scale_shift is None:  # fixed by the first training chunk: sd 2.5, median 0
                scale = 2.5 / max(score.std(), 1e-12)
                scale_shift = (scale, -np.median(score) * scale)
            s = score * scale_shift[0] + scale_shift[1]
            y = (ry.random(rows) < 1.0 / (1.0 + np.exp(-s))).astype(np.uint8)
            positives += int(y.sum())
            f.write(svm_bytes(y, indptr, cols, qv))
            nnz += len(cols)
            if keep:
                parts.append((indptr, cols, vals, y))
    return nnz, positives, scale_shift, parts


def generate(a):
    start = time.perf_counter()
    os.makedirs(a.out, exist_ok=True)
    p = a.features
    q, cdf = zipf_cdf(p, a.zipf)
    cdf[-1] = 1.0
    mult = length_quadrature()
    t_mean = mean_tokens(q, a.nnz, mult)
    idf = 1.0 + np.log(1.0 / np.maximum(presence(q, t_mean, mult), 1e-300))
    rw = np.random.default_rng([a.seed, 4])
    w_star = np.where(rw.random(p) < 0.1, rw.standard_normal(p), 0.0)
    nnz, pos, shift, parts = write_set(f"{a.out}/train.svm", a.rows, p, t_mean, cdf, idf, w_star, a.seed, 0, None, True)
    vnnz, vpos, _, _ = write_set(f"{a.out}/val.svm", a.val_rows, p, t_mean, cdf, idf, w_star, a.seed, 2, shift, False)
    import scipy.sparse as sp
    offsets = np.cumsum([0] + [pt[0][-1] for pt in parts])
    indptr = np.concatenate([parts[0][0][:1]] + [pt[0][1:] + o for pt, o in zip(parts, offsets)]).astype(np.int64)
    x = sp.csr_matrix((np.concatenate([pt[2] for pt in parts]), np.concatenate([pt[1] for pt in parts]), indptr),
                      shape=(a.rows, p))
    y = np.concatenate([pt[3] for pt in parts])
    del parts
    sp.save_npz(f"{a.out}/train.npz", x, compressed=False)
    np.save(f"{a.out}/train_labels.npy", y)
    used = int((np.bincount(x.indices, minlength=p) > 0).sum())
    meta = {"rows": a.rows, "valRows": a.val_rows, "features": p, "nnzTarget": a.nnz, "zipf": a.zipf, "seed": a.seed,
            "meanTokens": t_mean, "nnz": nnz, "valNnz": vnnz, "nnzPerRow": nnz / a.rows, "columnsUsed": used,
            "maxIndex": int(x.indices.max()) + 1, "positiveFraction": pos / a.rows, "valPositiveFraction": vpos / max(a.val_rows, 1),
            "csrBytes": nnz * 12 + a.rows * 4,  # int32 indices + float64 values a non-zero, an int32 row pointer a row
            "trainFileBytes": os.path.getsize(f"{a.out}/train.svm"), "valFileBytes": os.path.getsize(f"{a.out}/val.svm"),
            "seconds": round(time.perf_counter() - start, 1)}
    json.dump(meta, open(f"{a.out}/meta.json", "w"), indent=1)
    print(f"{a.out}: train {a.rows} × {p} ({nnz / a.rows:.1f} non-zeros a row, {used} columns used, largest index "
          f"{meta['maxIndex']}, {pos / a.rows:.1%} positive), val {a.val_rows} rows; train.svm {meta['trainFileBytes'] / 1e6:.1f} MB, "
          f"CSR {meta['csrBytes'] / 1e6:.1f} MB; {meta['seconds']} s", file=sys.stderr)


def rss_mb():
    return int(re.search(r"VmRSS:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024


def fit(a):
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    idle = rss_mb()
    t0 = time.perf_counter()
    x = sp.load_npz(f"{a.data}/train.npz").tocsr()
    y = np.load(f"{a.data}/train_labels.npy")
    load_s = time.perf_counter() - t0
    loaded = rss_mb()
    n = x.shape[0]
    c = 1.0 / (n * np.exp(a.__dict__["lambda"]))
    t0 = time.perf_counter()
    # single-threaded: lbfgs's work is scipy's CSR products X w and Xᵀ r
    m = LogisticRegression(C=c, solver="lbfgs", tol=a.tol, max_iter=100000).fit(x, y)
    fit_s = time.perf_counter() - t0
    z = x @ m.coef_.ravel() + m.intercept_[0]
    s = 2.0 * y - 1.0
    train_loss = float(np.mean(np.logaddexp(0, -s * z)))
    lam = a.__dict__["lambda"]
    f = train_loss + 0.5 * np.exp(lam) * float(m.coef_.ravel() @ m.coef_.ravel())
    print(json.dumps({"C": c, "lambda": lam, "tol": a.tol, "iterations": int(m.n_iter_.max()), "fitSeconds": round(fit_s, 2),
                      "loadSeconds": round(load_s, 2), "idleMB": idle, "loadedMB": loaded,
                      "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "trainLoss": f, "meanLoss": train_loss}))


def time_file(path):
    t = open(path).read()
    w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
    return (int(w.group(1) or 0) * 3600 + int(w.group(2)) * 60 + float(w.group(3)),
            int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024)


def report(a):
    meta = json.load(open(f"{a.data}/meta.json"))
    fj = json.load(open(a.fit_json))
    idle_wall, idle_mb = time_file(a.idle_time)
    csr_mb = meta["csrBytes"] / 2 ** 20
    head = ("run", "compute s", "wall s", "iterations", "train f", "peak MB", "peak − idle MB", "÷ CSR MB")
    row = lambda cells: print("| " + " | ".join(cells) + " |")
    row(head)
    row("-" * len(h) for h in head)
    runs = [("hyperift hypergrad, embedded", a.embedded_json, a.embedded_time, None)]
    if a.cluster_json:
        runs.append(("hyperift hypergrad, 2-silo cluster", a.cluster_json, a.cluster_time, a.cluster_silo_peaks))
    for name, jf, tf, silo_peaks in runs:
        j = json.load(open(jf))
        wall, peak = time_file(tf)
        if silo_peaks:  # the silos hold the shards: their peaks (VmHWM) above an idle silo's
            peaks = [int(k) / 1024 for k in silo_peaks.split()]
            idle_silo = float(a.idle_silo_mb)
            above = sum(pk - idle_silo for pk in peaks)
            mem = f"{' + '.join(f'{pk:.0f}' for pk in peaks)} (silos), {peak:.0f} (client)"
        else:
            above, mem = peak - idle_mb, f"{peak:.0f}"
        it = f"CG {j['solver']['iterations']}"  # the JSON has no Newton count (the text output has)
        row([name, f"{j['seconds']:.1f}", f"{wall:.1f}", it, f"{j['trainLoss']:.10f}", mem, f"{above:.0f}", f"{above / csr_mb:.2f}"])
    row(["scikit-learn LogisticRegression (lbfgs)", f"{fj['fitSeconds']:.1f}", f"{fj['fitSeconds'] + fj['loadSeconds']:.1f} (+ import)",
         f"L-BFGS {fj['iterations']}", f"{fj['trainLoss']:.10f}", f"{fj['peakMB']:.0f}", f"{fj['peakMB'] - fj['idleMB']:.0f}",
         f"{(fj['peakMB'] - fj['idleMB']) / csr_mb:.2f}"])
    j = json.load(open(a.embedded_json))
    print(f"\ntraining {meta['rows']} × {meta['features']}, {meta['nnzPerRow']:.1f} non-zeros a row (Zipf {meta['zipf']}, "
          f"{meta['columnsUsed']} columns used, {meta['positiveFraction']:.1%} positive), validation {meta['valRows']} rows, seed {meta['seed']}; "
          f"train.svm {meta['trainFileBytes'] / 1e6:.1f} MB, val.svm {meta['valFileBytes'] / 1e6:.1f} MB; "
          f"CSR of the training matrix nnz·12 + rows·4 = {meta['csrBytes']:,} bytes ({csr_mb:.1f} MiB).")
    print(f"λ = {fj['lambda']} (C = {fj['C']:.4g}); hyperift: --shards {j['shards']}, default tolerance (inner ‖∇f‖ and CG "
          f"relative residual), validation loss {j['validationLoss']:.6f}, ‖∇f‖ {j['innerGradNorm']:.1e}, "
          f"‖dg/dλ‖ {abs(j['hypergradient'][0]):.3e}; compute s = the JSON's seconds (data reading excluded). "
          f"scikit-learn: tol {fj['tol']} (lbfgs gradient tolerance on C Σℓ + ½‖w‖² = f/e^λ), one thread, on the "
          f"same matrix (train.npz, the file's doubles); compute s = the fit alone, loading {fj['loadSeconds']:.1f} s. "
          f"Idle: hyperift on a 2-row synthetic set peaks at {idle_mb:.0f} MB ({idle_wall:.1f} s); python with scikit-learn "
          f"imported {fj['idleMB']:.0f} MB. train f = mean loss + ½e^λ‖w‖² at each one's θ.")
    if a.cluster_json:
        c = json.load(open(a.cluster_json))
        print(f"cluster against embedded: dg/dλ {c['hypergradient'][0]!r} vs {j['hypergradient'][0]!r}, validation loss "
              f"{c['validationLoss']!r} vs {j['validationLoss']!r}; silos' peak − idle against an idle silo's "
              f"{float(a.idle_silo_mb):.0f} MB (VmRSS once healthy).")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["generate", "fit", "report"])
    ap.add_argument("--out")
    ap.add_argument("--data")
    ap.add_argument("--rows", type=int, default=677399)
    ap.add_argument("--val-rows", type=int, default=20000)
    ap.add_argument("--features", type=int, default=47236)
    ap.add_argument("--nnz", type=float, default=73.0, help="mean distinct columns a row")
    ap.add_argument("--zipf", type=float, default=1.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lambda", type=float)
    ap.add_argument("--tol", type=float, default=1e-4, help="lbfgs gradient tolerance (scikit-learn's default)")
    for f in ("fit-json", "embedded-json", "embedded-time", "idle-time", "cluster-json", "cluster-time",
              "cluster-silo-peaks", "idle-silo-mb"):
        ap.add_argument("--" + f)
    a = ap.parse_args()
    {"generate": generate, "fit": fit, "report": report}[a.command](a)


if __name__ == "__main__":
    main()
