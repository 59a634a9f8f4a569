#!/usr/bin/env bash
# Side by side, in one run on this machine: the C# kernels (BenchmarkDotNet, medians) against a
# sequential read of the same bytes and against numpy (bench/numpy_kernels.py, same shapes).
# Writes bench/results/kernels.json and prints the ratios quoted in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p results
dpkg -s python3-numpy >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-numpy >/dev/null; }

(cd HyperIft.Benchmarks && dotnet run -c Release -- --filter '*KernelBenchmarks*' '*LargeShardBenchmarks*' --job short \
   --exporters json --artifacts ../results/bdn) > results/bdn.log
# numpy with this machine's OpenBLAS settings unset for the one command (they slow a current numpy).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 numpy_kernels.py 30 > results/numpy.json

/usr/bin/python3 - results/bdn/results/*.KernelBenchmarks-report-full-compressed.json results/numpy.json \
  results/bdn/results/*LargeShardBenchmarks-report-full-compressed.json <<'PY' | tee results/kernels.json
import json, sys
bdn, numpy, large = (json.load(open(p)) for p in sys.argv[1:4])
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
out["numpy"] = numpy["numpy"]
print(json.dumps(out, indent=2))
PY
