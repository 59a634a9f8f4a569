#!/usr/bin/env bash
# How far the cheap linear solves are from the converged hypergradient on one Fashion-MNIST network
# (docs/PERFORMANCE.md): 2,000 training and 2,000 validation rows, 784 → 32 → 10 tanh, l2-layer at
# λ = −4. θ* is solved once; every solve starts from it (--init), so only the linear solve differs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results/mlp_solvers
mkdir -p "$out"
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
hyperift() { dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll "$@"; }
common=(hypergrad --model mlp --hidden 32 --hyper l2-layer --train 'fashion-mnist[0:2000]' --val 'fashion-mnist[50000:52000]'
        --lambda -4 --inner-tol 1e-9 --json)

hyperift "${common[@]}" --tol 1e-12 --theta-out "$out/theta.txt" > "$out/reference.json"
run() { local name=$1; shift; hyperift "${common[@]}" --init "$out/theta.txt" "$@" > "$out/$name.json" 2> "$out/$name.log"; }
run cg-1e-6 --tol 1e-6
run truncated-cg-10 --max-cg 10
run truncated-cg-50 --max-cg 50
run neumann-100 --solver neumann --neumann-terms 100
run neumann-1000 --solver neumann --neumann-terms 1000

/usr/bin/python3 - "$out" <<'PY'
import json, math, sys, os
out = sys.argv[1]
ref = json.load(open(os.path.join(out, "reference.json")))
g0 = ref["hypergradient"]
norm = lambda v: math.sqrt(sum(x * x for x in v))
print(f"reference: cg to 1e-12, {ref['solver']['iterations']} iterations, dg/dλ = {g0}, {ref['seconds']:.2f} s")
print(f"{'solve':<18} {'iterations':>10} {'residual':>10} {'rel. error of dg/dλ':>20} {'cosine':>8} {'seconds':>8}")
for name in ["cg-1e-6", "truncated-cg-10", "truncated-cg-50", "neumann-100", "neumann-1000"]:
    r = json.load(open(os.path.join(out, name + ".json")))
    g = r["hypergradient"]
    err = norm([a - b for a, b in zip(g, g0)]) / norm(g0)
    cos = sum(a * b for a, b in zip(g, g0)) / (norm(g) * norm(g0))
    print(f"{name:<18} {r['solver']['iterations']:>10} {r['solver']['residual']:>10.2e} {err:>20.3e} {cos:>8.4f} {r['seconds']:>8.2f}")
PY
