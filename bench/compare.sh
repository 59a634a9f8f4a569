#!/usr/bin/env bash
# Side by side, in one run on this machine: the C# kernels (BenchmarkDotNet, medians) against a
# sequential read of the same bytes and against numpy (bench/numpy_kernels.py, same shapes), and the
# mlp's loss + gradient and HVP against PyTorch float64 (bench/torch_mlp.py, same shapes).
# Writes bench/results/kernels.json and prints the ratios quoted in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p results
dpkg -s python3-numpy >/dev/null 2>&1 && dpkg -s python3-torch >/dev/null 2>&1 \
  || { apt-get update -qq && apt-get install -y -qq python3-numpy python3-torch >/dev/null; }

(cd HyperIft.Benchmarks && dotnet run -c Release -- --filter '*KernelBenchmarks*' '*LargeShardBenchmarks*' '*MlpBenchmarks*' --job short \
   --exporters json --artifacts ../results/bdn) > results/bdn.log
# numpy with this machine's OpenBLAS settings unset for the one command (they slow a current numpy).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 numpy_kernels.py 30 > results/numpy.json
# PyTorch through Debian's OpenBLAS, which mistakes this CPU for an old one unless told its core type:
# the faster of the two runs is the one compared against.
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt-get install -y -qq libopenblas0-pthread >/dev/null
/usr/bin/python3 torch_mlp.py 10 > results/torch-auto.json
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_mlp.py 10 > results/torch-skylakex.json
/usr/bin/python3 -c 'import json, sys; runs = [json.load(open(p)) for p in sys.argv[1:]]; best = min(runs, key=lambda r: r["mlpLossGradientSeconds"] + r["mlpHvpSeconds"]); print(json.dumps(best))' \
  results/torch-auto.json results/torch-skylakex.json > results/torch.json

/usr/bin/python3 - results/bdn/results/*.KernelBenchmarks-report-full-compressed.json results/numpy.json \
  results/bdn/results/*LargeShardBenchmarks-report-full-compressed.json \
  results/bdn/results/*MlpBenchmarks-report-full-compressed.json results/torch.json <<'PY' | tee results/kernels.json
import json, sys
bdn, numpy, large, mlp, torch = (json.load(open(p)) for p in sys.argv[1:6])
median = {}
for b in bdn["Benchmarks"]:
    model = b["Parameters"].split("Model=")[1].split("&")[0]
    median[(model, b["Method"])] = b["Statistics"]["Median"] / 1e9
out = {}
for model in ["logistic", "softmax"]:
    read, hvp = median[(model, "SequentialRead")], median[(model, "Hvp")]
    out[model] = {"csharpHvpSeconds": hvp, "csharpLossGradientSeconds": median[(model, "LossGradient")],
                  "sequentialReadSeconds": read, "hvpShareOfReadBandwidth": read / hvp,
                  "numpyHvpSeconds": numpy[f"{model}HvpSeconds"], "csharpOverNumpy": hvp / numpy[f"{model}HvpSeconds"]}
big = {b["Method"]: b["Statistics"]["Median"] / 1e9 for b in large["Benchmarks"]}
out["logistic400k"] = {"csharpHvpSeconds": big["Hvp"], "sequentialReadSeconds": big["SequentialRead"],
                       "hvpShareOfReadBandwidth": big["SequentialRead"] / big["Hvp"]}
net = {b["Method"]: b["Statistics"]["Median"] / 1e9 for b in mlp["Benchmarks"]}
out["mlp784x256x10"] = {"csharpLossGradientSeconds": net["LossGradient"], "torchLossGradientSeconds": torch["mlpLossGradientSeconds"],
                        "lossGradientCsharpOverTorch": net["LossGradient"] / torch["mlpLossGradientSeconds"],
                        "csharpHvpSeconds": net["Hvp"], "torchHvpSeconds": torch["mlpHvpSeconds"],
                        "hvpCsharpOverTorch": net["Hvp"] / torch["mlpHvpSeconds"], "torchThreads": torch["threads"]}
out["numpy"] = numpy["numpy"]
out["torch"] = torch["torch"]
print(json.dumps(out, indent=2))
PY
