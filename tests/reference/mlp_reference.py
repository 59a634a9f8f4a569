#!/usr/bin/env python3
"""Independent reference for the `mlp` model (SPEC §1, §4, §7), in PyTorch with autograd.

Written from the SPEC alone: no hand-written derivatives, no code shared with the C#
implementation. Every derivative is torch.autograd's; the network, its θ layout and the penalties
are spelled out plainly below.

usage: mlp_reference.py REQUEST.json       prints one JSON object
       mlp_reference.py --self-test         checks this file against finite differences (~1 min)

The self-test (both activations, one and two hidden layers, every kind) checks f against a plain
loop over the SPEC's layout (≤ 1e-12 relative; reaches ~4e-16), ∇f, ∇²f·v and the cross term
against five-point differences (≤ 1e-9; reaches ~5e-10), and the dense-solve hypergradient
against five-point differences of g(θ*(λ)) with θ* re-solved by Newton to ‖∇f‖ ≤ 1e-12
(≤ 1e-7; reaches ~5e-10). Exit code 0 when every case passes.

Request fields:
  "train", "val"   CSV paths: numeric, no header, label (0..C-1) in the last column
  "hidden"         [H1, H2, ...]
  "activation"     "tanh" | "softplus"
  "classes"        C
  "hyper"          "l2" | "l2-layer" | "l2-feature" | "l2-param" | "example-weights"
  "l2"             the fixed strength (--l2): hidden biases always; weights where the kind says so
  "lambda"         the full λ vector
  "theta"          the full θ vector
  "v"              optional direction, for "hvp" and "cross"
  "tasks"          any of "loss", "gradient", "hvp", "cross", "validation", "hypergradient"

Output fields, by task:
  loss           "loss": f(θ, λ)
  gradient       "gradient": ∇θ f, "gradientNorm": ‖∇θ f‖₂
  hvp            "hvp": ∇²θ f · v (double backward)
  cross          "cross": (∂²f/∂λ∂θ)ᵀ v = ∇λ (∇θ f · v)
  validation     "validationLoss": g(θ), "validationGradient": ∇θ g
  hypergradient  "hypergradient": -(∂²f/∂λ∂θ)ᵀ H⁻¹ ∇θ g with H the dense Hessian at θ,
                 "hessianMinEigenvalue", "hessianMaxEigenvalue": extreme eigenvalues of H
                 (tiny nets only: θ ≤ 3000 entries)
  always         "parameterCount", "lambdaCount"
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)

KINDS = ("l2", "l2-layer", "l2-feature", "l2-param", "example-weights")


def load_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append([float(cell) for cell in line.split(",")])
    data = torch.tensor(rows)
    return data[:, :-1].contiguous(), data[:, -1].round().long()


class Mlp:
    """p → H1 → … → HL → C, with the θ layout of SPEC §7."""

    def __init__(self, features, hidden, classes, activation):
        if activation not in ("tanh", "softplus"):
            raise ValueError(f"unknown activation {activation!r}")
        self.p, self.hidden, self.C, self.activation = features, list(hidden), classes, activation
        widths = [features] + self.hidden + [classes]
        # (weight offset, fan_in, fan_out, bias offset, bias count) per layer, input side first
        self.layers = []
        offset = 0
        for l in range(len(widths) - 1):
            fan_in, fan_out = widths[l], widths[l + 1]
            last = l == len(widths) - 2
            w_at = offset
            offset += fan_in * fan_out
            b_at = offset
            b_count = fan_out - 1 if last else fan_out  # the last class's output bias is pinned at 0
            offset += b_count
            self.layers.append((w_at, fan_in, fan_out, b_at, b_count))
        self.dimension = offset
        # Which θ entries are weights, which are hidden biases, and each weight's layer.
        self.weight_index = []
        self.weight_layer = []
        self.hidden_bias_index = []
        for l, (w_at, fan_in, fan_out, b_at, b_count) in enumerate(self.layers):
            self.weight_index += range(w_at, w_at + fan_in * fan_out)
            self.weight_layer += [l] * (fan_in * fan_out)
            if l < len(self.layers) - 1:
                self.hidden_bias_index += range(b_at, b_at + b_count)
        self.weight_count = len(self.weight_index)

    def act(self, u):
        if self.activation == "tanh":
            return torch.tanh(u)
        # softplus log(1 + e^u), written so that it neither overflows nor cuts off at a threshold
        return u.clamp(min=0) + torch.log1p(torch.exp(-u.abs()))

    def scores(self, theta, X):
        z = X
        for l, (w_at, fan_in, fan_out, b_at, b_count) in enumerate(self.layers):
            W = theta[w_at:w_at + fan_in * fan_out].reshape(fan_in, fan_out)  # input-major: i·fan_out + j
            b = theta[b_at:b_at + b_count]
            if b_count < fan_out:
                b = torch.cat([b, torch.zeros(fan_out - b_count)])
            u = z @ W + b
            z = u if l == len(self.layers) - 1 else self.act(u)
        return z

    def row_losses(self, theta, X, y):
        o = self.scores(theta, X)
        return -torch.log_softmax(o, dim=1).gather(1, y[:, None])[:, 0]


class Problem:
    """f(θ, λ) and g(θ) of SPEC §1/§4/§7 for one hyperparameter kind."""

    def __init__(self, net, kind, l2, X, y, Xv, yv):
        if kind not in KINDS:
            raise ValueError(f"unknown hyperparameter kind {kind!r}")
        self.net, self.kind, self.l2 = net, kind, l2
        self.X, self.y, self.Xv, self.yv = X, y, Xv, yv
        self.n = X.shape[0]
        self.lambda_count = {"l2": 1, "l2-layer": len(net.layers), "l2-feature": net.p,
                             "l2-param": net.weight_count, "example-weights": self.n}[kind]
        self.w_idx = torch.tensor(net.weight_index, dtype=torch.long)
        self.b_idx = torch.tensor(net.hidden_bias_index, dtype=torch.long)
        self.w_layer = torch.tensor(net.weight_layer, dtype=torch.long)

    def strengths(self, lam):
        """The strength of each weight, in θ-layout order of the weights."""
        net = self.net
        if self.kind == "l2":
            return torch.exp(lam[0]).expand(net.weight_count)
        if self.kind == "l2-layer":
            return torch.exp(lam)[self.w_layer]
        if self.kind == "l2-param":
            return torch.exp(lam)
        if self.kind == "l2-feature":
            w_at, fan_in, fan_out, _, _ = net.layers[0]
            first = torch.exp(lam).repeat_interleave(fan_out)  # weight i·H1 + j belongs to input i
            rest = torch.full((net.weight_count - fan_in * fan_out,), self.l2)
            return torch.cat([first, rest])
        return torch.full((net.weight_count,), self.l2)  # example-weights

    def row_weights(self, lam):
        if self.kind == "example-weights":
            return 2 * torch.sigmoid(lam)
        return torch.ones(self.n)

    def f(self, theta, lam):
        losses = self.net.row_losses(theta, self.X, self.y)
        w = theta[self.w_idx]
        b = theta[self.b_idx]
        return ((self.row_weights(lam) * losses).sum() / self.n
                + 0.5 * (self.strengths(lam) * w * w).sum()
                + 0.5 * self.l2 * (b * b).sum())

    def g(self, theta):
        return self.net.row_losses(theta, self.Xv, self.yv).mean()

    # ---- derivatives, all by autograd ----

    def gradient(self, theta, lam):
        t = theta.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(self.f(t, lam), t)
        return grad

    def hvp(self, theta, lam, v):
        t = theta.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(self.f(t, lam), t, create_graph=True)
        (hv,) = torch.autograd.grad(grad @ v, t)
        return hv

    def hessian(self, theta, lam):
        H = torch.autograd.functional.hessian(lambda t: self.f(t, lam), theta.detach())
        return 0.5 * (H + H.T)

    def cross(self, theta, lam, v):
        """(∂²f/∂λ∂θ)ᵀ v = ∇λ (∇θ f(θ, λ) · v)."""
        t = theta.detach().requires_grad_(True)
        l = lam.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(self.f(t, l), t, create_graph=True)
        (c,) = torch.autograd.grad(grad @ v, l, allow_unused=True)
        return torch.zeros_like(lam) if c is None else c

    def validation(self, theta):
        t = theta.detach().requires_grad_(True)
        g = self.g(t)
        (grad,) = torch.autograd.grad(g, t)
        return g.detach(), grad

    def hypergradient(self, theta, lam):
        """-(∂²f/∂λ∂θ)ᵀ H⁻¹ ∇θ g, H dense; ∇λ g = 0 (g does not depend on λ). Also min eig(H)."""
        H = self.hessian(theta, lam)
        _, gv = self.validation(theta)
        x = torch.linalg.solve(H, gv)
        eigenvalues = torch.linalg.eigvalsh(H)
        return -self.cross(theta, lam, x), eigenvalues[0].item(), eigenvalues[-1].item()


def answer(request):
    X, y = load_csv(request["train"])
    Xv, yv = load_csv(request["val"])
    net = Mlp(X.shape[1], request["hidden"], int(request["classes"]), request["activation"])
    problem = Problem(net, request["hyper"], float(request["l2"]), X, y, Xv, yv)
    theta = torch.tensor(request["theta"], dtype=torch.float64)
    lam = torch.tensor(request["lambda"], dtype=torch.float64)
    if theta.numel() != net.dimension:
        raise ValueError(f"theta has {theta.numel()} entries, the network has {net.dimension}")
    if lam.numel() != problem.lambda_count:
        raise ValueError(f"lambda has {lam.numel()} entries, {request['hyper']} needs {problem.lambda_count}")
    if Xv.shape[1] != X.shape[1]:
        raise ValueError("validation and training have different feature counts")
    for labels in (y, yv):
        if labels.min() < 0 or labels.max() >= net.C:
            raise ValueError("a label is outside 0..C-1")
    v = torch.tensor(request["v"], dtype=torch.float64) if "v" in request else None
    tasks = set(request["tasks"])
    out = {"parameterCount": net.dimension, "lambdaCount": problem.lambda_count}
    if "loss" in tasks:
        out["loss"] = problem.f(theta, lam).item()
    if "gradient" in tasks:
        grad = problem.gradient(theta, lam)
        out["gradient"] = grad.tolist()
        out["gradientNorm"] = grad.norm().item()
    if "hvp" in tasks:
        out["hvp"] = problem.hvp(theta, lam, v).tolist()
    if "cross" in tasks:
        out["cross"] = problem.cross(theta, lam, v).tolist()
    if "validation" in tasks:
        g, gv = problem.validation(theta)
        out["validationLoss"] = g.item()
        out["validationGradient"] = gv.tolist()
    if "hypergradient" in tasks:
        if net.dimension > 3000:
            raise ValueError("the dense hypergradient is for tiny nets (θ ≤ 3000 entries)")
        hg, min_eig, max_eig = problem.hypergradient(theta, lam)
        out["hypergradient"] = hg.tolist()
        out["hessianMinEigenvalue"] = min_eig
        out["hessianMaxEigenvalue"] = max_eig
    return out


# ---------------------------------------------------------------------------------------------
# Self-test: this file against finite differences, and its forward pass against a plain loop.
# ---------------------------------------------------------------------------------------------

def relative_error(a, b):
    return ((a - b).norm() / b.norm().clamp(min=1e-300)).item()


def loop_f(net, kind, l2, X, y, theta, lam):
    """f written with Python loops and the math module, straight from SPEC §7: checks the layout."""
    th = theta.tolist()
    lam = lam.tolist()
    n = len(y)
    widths = [net.p] + net.hidden + [net.C]
    L = len(widths) - 1

    def a(u):
        return math.tanh(u) if net.activation == "tanh" else math.log1p(math.exp(u))

    # Walk the layout by hand: W (input-major), then the layer's biases.
    at = 0
    Ws, bs = [], []
    for l in range(L):
        W = [[th[at + i * widths[l + 1] + j] for j in range(widths[l + 1])] for i in range(widths[l])]
        at += widths[l] * widths[l + 1]
        count = widths[l + 1] - 1 if l == L - 1 else widths[l + 1]
        b = th[at:at + count] + ([0.0] if l == L - 1 else [])
        at += count
        Ws.append(W)
        bs.append(b)
    assert at == len(th)

    total = 0.0
    for r in range(n):
        z = X[r].tolist()
        for l in range(L):
            u = [sum(z[i] * Ws[l][i][j] for i in range(widths[l])) + bs[l][j] for j in range(widths[l + 1])]
            z = u if l == L - 1 else [a(x) for x in u]
        top = max(z)
        loss = top + math.log(sum(math.exp(x - top) for x in z)) - z[int(y[r])]
        c = 2 / (1 + math.exp(-lam[r])) if kind == "example-weights" else 1.0
        total += c * loss / n

    k = 0  # weight counter in θ-layout order
    penalty = 0.0
    for l in range(L):
        for i in range(widths[l]):
            for j in range(widths[l + 1]):
                w = Ws[l][i][j]
                s = {"l2": lambda: math.exp(lam[0]),
                     "l2-layer": lambda: math.exp(lam[l]),
                     "l2-feature": lambda: math.exp(lam[i]) if l == 0 else l2,
                     "l2-param": lambda: math.exp(lam[k]),
                     "example-weights": lambda: l2}[kind]()
                penalty += 0.5 * s * w * w
                k += 1
        if l < L - 1:
            penalty += 0.5 * l2 * sum(b * b for b in bs[l])
    return total + penalty


def newton(problem, lam, theta):
    """Pure Newton steps on the dense Hessian to ‖∇f‖ ≤ 1e-13 (or no more progress); from a nearby minimum."""
    for _ in range(30):
        grad = problem.gradient(theta, lam)
        if grad.norm() <= 1e-13:
            break
        theta = theta - torch.linalg.solve(problem.hessian(theta, lam), grad)
    return theta, problem.gradient(theta, lam).norm().item()


def solve_inner(problem, lam, theta0):
    """θ*(λ): L-BFGS from theta0, then Newton."""
    theta = theta0.detach().clone().requires_grad_(True)
    opt = torch.optim.LBFGS([theta], lr=1, max_iter=2000, tolerance_grad=1e-9, tolerance_change=0,
                            history_size=50, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        value = problem.f(theta, lam)
        value.backward()
        return value

    opt.step(closure)
    return newton(problem, lam, theta.detach())


def derivative(fun, h):
    """d/dt fun(t) at 0 by the five-point stencil (error O(h⁴)); fun may return a number or a tensor."""
    return (8 * (fun(h) - fun(-h)) - (fun(2 * h) - fun(-2 * h))) / (12 * h)


def self_test():
    torch.manual_seed(0)
    worst = {"loop": 0.0, "gradient": 0.0, "hvp": 0.0, "cross": 0.0, "hypergradient": 0.0}
    failed = False
    for activation in ("tanh", "softplus"):
        for hidden in ([3], [3, 2]):
            for kind in KINDS:
                p, C, n, m = 3, 3, 12, 9
                X = torch.randn(n, p)
                y = torch.arange(n) % C
                Xv = torch.randn(m, p)
                yv = torch.arange(m) % C
                X = X + 2 * y[:, None].double()  # some signal, so that θ* is not 0
                Xv = Xv + 2 * yv[:, None].double()
                net = Mlp(p, hidden, C, activation)
                l2 = 0.02
                problem = Problem(net, kind, l2, X, y, Xv, yv)
                lam = -3.5 + 0.5 * torch.randn(problem.lambda_count)
                if kind == "example-weights":
                    lam = 0.5 * torch.randn(problem.lambda_count)
                d = net.dimension
                theta = 0.5 * torch.randn(d)
                v = torch.randn(d)
                name = f"{activation} {hidden} {kind}"

                e_loop = abs(problem.f(theta, lam).item() - loop_f(net, kind, l2, X, y, theta, lam))
                e_loop /= abs(problem.f(theta, lam).item())

                h = 1e-3
                grad = problem.gradient(theta, lam)
                fd = torch.stack([derivative(lambda t: problem.f(theta + t * e, lam).detach(), h) for e in torch.eye(d)])
                e_grad = relative_error(grad, fd)

                hv = problem.hvp(theta, lam, v)
                unit = v / v.norm()
                fd = derivative(lambda t: problem.gradient(theta + t * unit, lam), h) * v.norm()
                e_hvp = relative_error(hv, fd)
                # the HVP is also the dense Hessian times v
                e_hvp = max(e_hvp, relative_error(hv, problem.hessian(theta, lam) @ v))

                cr = problem.cross(theta, lam, v)
                fd = torch.stack([derivative(lambda t: problem.gradient(theta, lam + t * e) @ v, h)
                                  for e in torch.eye(problem.lambda_count)])
                e_cross = relative_error(cr, fd)

                # The hypergradient at θ*(λ) against differences of g(θ*(λ + t e_k)), each θ* re-solved by
                # Newton from θ*(λ), so that it stays at the same local minimum.
                star, norm = solve_inner(problem, lam, theta)
                hg, min_eig, _ = problem.hypergradient(star, lam)
                norms = [norm]

                def g_at(t, e):
                    moved, moved_norm = newton(problem, lam + t * e, star)
                    norms.append(moved_norm)
                    return problem.g(moved).detach()

                fd = torch.stack([derivative(lambda t: g_at(t, e), 1e-3) for e in torch.eye(problem.lambda_count)])
                norm = max(norms)
                e_hyper = relative_error(hg, fd)

                ok = (e_loop <= 1e-12 and e_grad <= 1e-9 and e_hvp <= 1e-9 and e_cross <= 1e-9
                      and e_hyper <= 1e-7 and norm <= 1e-12 and min_eig > 0)
                failed |= not ok
                for key, e in (("loop", e_loop), ("gradient", e_grad), ("hvp", e_hvp), ("cross", e_cross),
                               ("hypergradient", e_hyper)):
                    worst[key] = max(worst[key], e)
                print(f"{'ok  ' if ok else 'FAIL'} {name:32s} d={d:3d} |λ|={problem.lambda_count:2d}  loop {e_loop:.1e}  "
                      f"grad {e_grad:.1e}  hvp {e_hvp:.1e}  cross {e_cross:.1e}  "
                      f"hypergrad {e_hyper:.1e} (‖∇f(θ*)‖ {norm:.1e}, min eig {min_eig:.2e})")
    print("worst relative errors: " + ", ".join(f"{k} {e:.1e}" for k, e in worst.items()))
    return 1 if failed else 0


def main(argv):
    if "--self-test" in argv:
        return self_test()
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        request = json.load(f)
    print(json.dumps(answer(request)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
