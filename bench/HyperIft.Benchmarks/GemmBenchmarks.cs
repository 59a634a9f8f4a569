using BenchmarkDotNet.Attributes;
using HyperIft.Numerics.LinearAlgebra;

namespace HyperIft.Benchmarks;

/// <summary>
/// The products of an MLP 784 → 256 → 10 on 20,000 rows, float64 (GFLOP/s = 2·m·n·k / time), to set beside
/// numpy/OpenBLAS on the same shapes, measured by hand.
/// </summary>
public class GemmBenchmarks
{
    /// <summary>forward: X·W1; weight-grad: Xᵀ·D; input-grad: D2·W2ᵀ; small-forward: H·W2; small-grad: Hᵀ·D2.</summary>
    [Params("forward", "weight-grad", "input-grad", "small-forward", "small-grad")]
    public string Shape = "forward";

    private bool _transposeA, _transposeB;
    private int _m, _n, _k;
    private double[] _a = [], _b = [], _c = [];

    [GlobalSetup]
    public void Setup()
    {
        (_transposeA, _transposeB, _m, _n, _k) = Shape switch
        {
            "forward" => (false, false, 20_000, 256, 784),     // X (20000×784) · W1 (784×256)
            "weight-grad" => (true, false, 784, 256, 20_000),  // Xᵀ · D (20000×256)
            "input-grad" => (false, true, 20_000, 256, 10),    // D2 (20000×10) · W2ᵀ, W2 stored 256×10
            "small-forward" => (false, false, 20_000, 10, 256), // H (20000×256) · W2 (256×10)
            "small-grad" => (true, false, 256, 10, 20_000),    // Hᵀ · D2 (20000×10)
            _ => throw new ArgumentException(Shape),
        };
        var random = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => random.NextDouble() - 0.5).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => random.NextDouble() - 0.5).ToArray();
        _c = new double[_m * _n];
    }

    [Benchmark(Description = "Gemm.Multiply")]
    public double[] Multiply()
    {
        Gemm.Multiply(_transposeA, _transposeB, _m, _n, _k, _a, _transposeA ? _m : _k, _b, _transposeB ? _k : _n, _c, _n, accumulate: false);
        return _c;
    }
}
