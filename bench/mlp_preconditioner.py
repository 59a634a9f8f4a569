"""Trust-region Newton-CG (Steihaug-Toint) with and without a diagonal preconditioner, an independent PyTorch
float64 prototype of the network trust region in src/HyperIft.Numerics/Optimization/TrustRegionNewtonCg.cs
(docs/PERFORMANCE.md, "What is not done"): a 784-64-10 tanh MLP on the first 1,000 Fashion-MNIST training
images, weight L2 e^-4, hidden-bias L2 1e-3, Glorot start, to ||grad f|| <= 1e-5. Prints one JSON line: trust-region
iterations and Hessian-vector products in all and to 1e-3 / 1e-4 / 1e-5.

The figures of docs/PERFORMANCE.md (three seeds, single-threaded, about 25 minutes):
  for s in 0 1 2; do for cfg in "none" "fisher --xi 0.75" "fisher --xi 1" "gn --xi 1"; do
    /usr/bin/python3 bench/mlp_preconditioner.py $cfg --seed $s --maxhvp 6000; done; done

  SOLVER in: none | fisher ((empirical Fisher diagonal + L2)^xi) | gn (Gauss-Newton diagonal + L2)^xi
  --xi 0.75|1.0   exponent of the preconditioner
  --eps 1e-8      added to the diagonal before the power
  --normalize     rescale M so that mean(M)=1 at each TR iteration
  --l2w           weight-L2 strength (default exp(-4))
"""
import argparse, gzip, json, math, struct, sys, time
import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
DT = torch.float64
D_IN, D_H, D_OUT = 784, 64, 10
N = 1000


def load_data():
    d = "/usr/share/datasets/fashion-mnist/"
    with gzip.open(d + "train-images-idx3-ubyte.gz", "rb") as f:
        magic, n, r, c = struct.unpack(">IIII", f.read(16))
        assert magic == 2051
        X = np.frombuffer(f.read(N * r * c), dtype=np.uint8).reshape(N, r * c)
    with gzip.open(d + "train-labels-idx1-ubyte.gz", "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        assert magic == 2049
        y = np.frombuffer(f.read(N), dtype=np.uint8)
    X = torch.tensor(X.astype(np.float64) / 255.0, dtype=DT)
    y = torch.tensor(y.astype(np.int64))
    return X, y


# parameter layout: W1 (784x64), b1 (64), W2 (64x10), b2 (9 free; b2[9] == 0)
SIZES = [D_IN * D_H, D_H, D_H * D_OUT, D_OUT - 1]
OFFS = np.cumsum([0] + SIZES)
P = int(OFFS[-1])


def unpack(th):
    W1 = th[OFFS[0]:OFFS[1]].view(D_IN, D_H)
    b1 = th[OFFS[1]:OFFS[2]]
    W2 = th[OFFS[2]:OFFS[3]].view(D_H, D_OUT)
    b2 = torch.cat([th[OFFS[3]:OFFS[4]], th.new_zeros(1)])
    return W1, b1, W2, b2


def init_theta(seed=0):
    torch.manual_seed(seed)
    a1 = math.sqrt(6.0 / (D_IN + D_H))
    a2 = math.sqrt(6.0 / (D_H + D_OUT))
    W1 = torch.empty(D_IN, D_H, dtype=DT).uniform_(-a1, a1)
    W2 = torch.empty(D_H, D_OUT, dtype=DT).uniform_(-a2, a2)
    return torch.cat([W1.reshape(-1), torch.zeros(D_H, dtype=DT),
                      W2.reshape(-1), torch.zeros(D_OUT - 1, dtype=DT)])


class Problem:
    def __init__(self, X, y, l2w, l2b1=1e-3):
        self.X, self.y = X, y
        self.Y = torch.nn.functional.one_hot(y, D_OUT).to(DT)
        self.l2w, self.l2b1 = l2w, l2b1
        lam = torch.zeros(P, dtype=DT)
        lam[OFFS[0]:OFFS[1]] = l2w
        lam[OFFS[1]:OFFS[2]] = l2b1
        lam[OFFS[2]:OFFS[3]] = l2w
        self.lam = lam  # diagonal of the regulariser Hessian
        self.nf = self.ng = self.nhvp = 0

    def f_t(self, th):
        W1, b1, W2, b2 = unpack(th)
        h = torch.tanh(self.X @ W1 + b1)
        z = h @ W2 + b2
        ce = (torch.logsumexp(z, 1) - (z * self.Y).sum(1)).mean()
        return ce + 0.5 * (th * th * self.lam).sum()

    def f(self, th):
        self.nf += 1
        with torch.no_grad():
            return float(self.f_t(th))

    def setup(self, th):
        """value + gradient at th, keeps graph for exact HVPs."""
        self.ng += 1
        self.th = th.detach().clone().requires_grad_(True)
        fv = self.f_t(self.th)
        (g,) = torch.autograd.grad(fv, self.th, create_graph=True)
        self.gg = g
        return float(fv), g.detach().clone()

    def hvp(self, v):
        self.nhvp += 1
        (hv,) = torch.autograd.grad(self.gg, self.th, v, retain_graph=True)
        return hv.detach()

    # ---------------- preconditioner diagonals (ignoring regulariser) -------
    def _fwd(self, th):
        W1, b1, W2, b2 = unpack(th)
        h = torch.tanh(self.X @ W1 + b1)
        p = torch.softmax(h @ W2 + b2, 1)
        return W1, W2, h, p

    def _sqgrad_sum(self, h, d2, W2):
        """sum_i (per-example grad)^2 given output backprop d2 (..., n, 10)."""
        d1 = (d2 @ W2.T) * (1 - h * h)          # (..., n, 64)
        X2, h2, d1s, d2s = self.X ** 2, h ** 2, d1 ** 2, d2 ** 2
        if d2.dim() == 3:
            gW1 = torch.einsum('ni,knj->ij', X2, d1s)
            gb1 = d1s.sum((0, 1))
            gW2 = torch.einsum('ni,knj->ij', h2, d2s)
            gb2 = d2s.sum((0, 1))[:D_OUT - 1]
        else:
            gW1 = X2.T @ d1s
            gb1 = d1s.sum(0)
            gW2 = h2.T @ d2s
            gb2 = d2s.sum(0)[:D_OUT - 1]
        return torch.cat([gW1.reshape(-1), gb1, gW2.reshape(-1), gb2])

    def fisher_diag(self, th):
        """empirical Fisher diagonal (1/n) sum_i g_i^2 of the cross-entropy."""
        with torch.no_grad():
            W1, W2, h, p = self._fwd(th)
            return self._sqgrad_sum(h, p - self.Y, W2) / N

    def gn_diag(self, th):
        """exact Gauss-Newton diagonal: H_out = diag(p)-pp^T = sum_k s_k s_k^T,
        s_k = sqrt(p_k)(e_k - p); 10 backward passes (batched)."""
        with torch.no_grad():
            W1, W2, h, p = self._fwd(th)
            E = torch.eye(D_OUT, dtype=DT)
            S = torch.sqrt(p).T[:, :, None] * (E[:, None, :] - p[None])  # (10,n,10)
            return self._sqgrad_sum(h, S, W2) / N


def steihaug(prob, g, delta, Minv, Mdiag, maxcg=300):
    """Preconditioned Steihaug-Toint CG. Trust region in the M-norm.
    Returns step z, predicted decrease, on_boundary flag, its M-norm, #cg."""
    gn = float(g.norm())
    tol = min(0.5, math.sqrt(gn)) * gn
    z = torch.zeros_like(g)
    r = g.clone()
    y = r * Minv if Minv is not None else r
    d = -y
    ry = float(r @ y)
    Mn2 = (lambda v: float((v * v * Mdiag).sum())) if Mdiag is not None else (lambda v: float(v @ v))
    Mdot = (lambda a, b: float((a * b * Mdiag).sum())) if Mdiag is not None else (lambda a, b: float(a @ b))
    on_b = False
    it = 0
    for it in range(1, maxcg + 1):
        Hd = prob.hvp(d)
        kappa = float(d @ Hd)
        if kappa <= 0:
            tau = _to_boundary(z, d, delta, Mn2, Mdot)
            z = z + tau * d; r = r + tau * Hd; on_b = True
            break
        alpha = ry / kappa
        zn = z + alpha * d
        if Mn2(zn) >= delta * delta:
            tau = _to_boundary(z, d, delta, Mn2, Mdot)
            z = z + tau * d; r = r + tau * Hd; on_b = True
            break
        z = zn
        r = r + alpha * Hd
        if float(r.norm()) <= tol:
            break
        yn = r * Minv if Minv is not None else r
        ryn = float(r @ yn)
        d = -yn + (ryn / ry) * d
        ry = ryn
    # m(z) = g'z + 1/2 z'Hz = 1/2 g'z + 1/2 z'r   (r = g + Hz)
    mval = 0.5 * float(g @ z) + 0.5 * float(z @ r)
    return z, -mval, on_b, math.sqrt(Mn2(z)), it


def _to_boundary(z, d, delta, Mn2, Mdot):
    a = Mn2(d); b = 2 * Mdot(z, d); c = Mn2(z) - delta * delta
    return (-b + math.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)


def run(args):
    X, y = load_data()
    prob = Problem(X, y, args.l2w)
    th = init_theta(args.seed)
    delta, dmax = 1.0, 1e8
    thresholds = [1e-3, 1e-4, 1e-5]
    hit = {}
    hist = []
    t0 = time.perf_counter()
    fv, g = prob.setup(th)
    n_pre = 0
    tpre = 0.0
    it = 0
    for it in range(0, args.maxit + 1):
        gn = float(g.norm())
        for t in thresholds:
            if t not in hit and gn <= t:
                hit[t] = dict(it=it, hvp=prob.nhvp, time=time.perf_counter() - t0, f=fv)
        hist.append((it, prob.nhvp, fv, gn, delta))
        if args.verbose and it % 10 == 0:
            print(f"it {it:4d} hvp {prob.nhvp:6d} f {fv:.10f} |g| {gn:.3e} delta {delta:.3e}", flush=True)
        if gn <= thresholds[-1] or it == args.maxit or prob.nhvp >= args.maxhvp:
            break
        Minv = Mdiag = None
        if args.solver != "none":
            tp = time.perf_counter()
            D = prob.fisher_diag(th) if args.solver == "fisher" else prob.gn_diag(th)
            Mdiag = (D + prob.lam + args.eps) ** args.xi
            if args.normalize:
                Mdiag = Mdiag / Mdiag.mean()
            Minv = 1.0 / Mdiag
            n_pre += 1
            tpre += time.perf_counter() - tp
        s, pred, on_b, snorm, ncg = steihaug(prob, g, delta, Minv, Mdiag, args.maxcg)
        fnew = prob.f(th + s)
        rho = (fv - fnew) / pred if pred > 0 else -1.0
        if rho < 0.25:
            delta = 0.25 * min(delta, snorm)
        elif rho > 0.75 and on_b:
            delta = min(2 * delta, dmax)
        if rho > 1e-4:
            th = th + s
            fv, g = prob.setup(th)
    wall = time.perf_counter() - t0
    gn = float(g.norm())
    res = dict(solver=args.solver, seed=args.seed, xi=args.xi, eps=args.eps, normalize=args.normalize,
               l2w=args.l2w, iters=it, hvp=prob.nhvp, nf=prob.nf, ng=prob.ng,
               n_precond=n_pre, precond_time=tpre, f=fv, gnorm=gn, wall=wall,
               hits={str(k): v for k, v in hit.items()}, converged=gn <= 1e-5)
    print(json.dumps(res))
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(dict(result=res, hist=hist), fh)
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("solver", choices=["none", "fisher", "gn"])
    ap.add_argument("--xi", type=float, default=1.0)
    ap.add_argument("--eps", type=float, default=1e-8)
    ap.add_argument("--normalize", action="store_true")
    ap.add_argument("--l2w", type=float, default=math.exp(-4))
    ap.add_argument("--maxit", type=int, default=400)
    ap.add_argument("--maxcg", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--maxhvp", type=int, default=10**9)
    ap.add_argument("--out", default=None)
    ap.add_argument("--verbose", action="store_true")
    run(ap.parse_args())
