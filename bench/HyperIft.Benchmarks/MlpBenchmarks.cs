using BenchmarkDotNet.Attributes;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Benchmarks;

/// <summary>
/// The network's two kernels on one shard of Fashion-MNIST's shape, 20,000 × 784 → 256 → 10, float64:
/// loss + gradient (forward and backprop) and the R-operator HVP. bench/torch_mlp.py times PyTorch on
/// the same shapes (autograd backward; HVP by double backward), and bench/compare.sh sets them side by side.
/// </summary>
[MemoryDiagnoser]
public class MlpBenchmarks
{
    [Params(20_000)]
    public int Rows = 20_000;

    private TrainingShard _shard = null!;
    private double[] _theta = [];
    private double[] _v = [];

    [GlobalSetup]
    public void Setup()
    {
        const int p = 784, classes = 10;
        var random = new Random(1);
        var x = new double[Rows * p];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble(); // pixels in [0, 1]
        var y = Enumerable.Range(0, Rows).Select(i => (double)(i % classes)).ToArray();
        var model = new MlpModel(p, [256], classes, Activation.Tanh);
        _shard = new TrainingShard(model, new DataBlock(x, y, p));
        _theta = model.InitialTheta(0);
        _v = Enumerable.Range(0, model.Layout.Dimension).Select(_ => random.NextDouble() - 0.5).ToArray();
        _shard.SetPoint(_theta, []);
    }

    [Benchmark(Description = "mlp loss + gradient")]
    public double LossGradient() => _shard.SetPoint(_theta, []).Loss;

    [Benchmark(Description = "mlp Hessian-vector product")]
    public double[] Hvp() => _shard.Hvp(_v);
}
