#!/usr/bin/env python3
"""PyTorch (float64, CPU) on the shapes of bench/HyperIft.Benchmarks MlpBenchmarks: 20,000 x 784 ->
256 (tanh) -> 10, softmax cross-entropy summed over rows. Times loss + gradient (autograd backward)
and the Hessian-vector product (double backward, as hypertorch and torch.autograd.functional.hvp do).
Prints one JSON object of median seconds.

usage: torch_mlp.py [repeats]
"""
import json
import os
import sys

import torch

from numpy_kernels import median_time  # the same timing as the numpy side of compare.sh


def main(repeats):
    torch.set_num_threads(os.cpu_count())  # Debian's build starts with 1; every core, as the C# side uses
    torch.manual_seed(1)
    n, p, h, c = 20_000, 784, 256, 10
    x = torch.rand(n, p, dtype=torch.float64)
    y = torch.arange(n) % c
    limit1, limit2 = (6 / (p + h)) ** 0.5, (6 / (h + c)) ** 0.5
    w1 = ((torch.rand(p, h, dtype=torch.float64) * 2 - 1) * limit1).requires_grad_()
    b1 = torch.zeros(h, dtype=torch.float64, requires_grad=True)
    w2 = ((torch.rand(h, c, dtype=torch.float64) * 2 - 1) * limit2).requires_grad_()
    b2 = torch.zeros(c - 1, dtype=torch.float64, requires_grad=True)  # last class's bias pinned at 0
    params = [w1, b1, w2, b2]
    v = [torch.rand_like(q) - 0.5 for q in params]

    def loss():
        out = torch.tanh(x @ w1 + b1) @ w2 + torch.cat([b2, b2.new_zeros(1)])
        return torch.nn.functional.cross_entropy(out, y, reduction="sum")

    def loss_and_gradient():
        return torch.autograd.grad(loss(), params)

    def hvp():
        grads = torch.autograd.grad(loss(), params, create_graph=True)
        dot = sum((g * d).sum() for g, d in zip(grads, v))
        return torch.autograd.grad(dot, params)

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mlpLossGradientSeconds": median_time(loss_and_gradient, repeats),
        "mlpHvpSeconds": median_time(hvp, repeats),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
