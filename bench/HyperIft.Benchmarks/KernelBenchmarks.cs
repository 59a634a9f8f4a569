using BenchmarkDotNet.Attributes;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Benchmarks;

/// <summary>
/// The per-shard kernels on one dense shard, next to a plain sequential read of the same bytes:
/// an HVP is one pass over the rows, so the read is the floor it is measured against.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    [Params("logistic", "softmax")]
    public string Model = "logistic";

    /// <summary>Rows of the shard; p = 100 (logistic) or 784 with 10 classes (softmax, Fashion-MNIST's shape).</summary>
    [Params(20_000)]
    public int Rows = 20_000;

    private TrainingShard _shard = null!;
    private double[] _theta = [];
    private double[] _v = [];
    private double[] _x = [];

    [GlobalSetup]
    public void Setup()
    {
        int p = Model == "softmax" ? 784 : 100, classes = Model == "softmax" ? 10 : 1;
        var (train, _) = SyntheticData.Generate(Model, new SyntheticSpec(Rows, p, Math.Max(classes, 2), Seed: 1, ValidationRows: 1));
        var model = ModelKinds.Create(Model, p, Math.Max(classes, 2), intercept: true);
        _x = train.X;
        _shard = new TrainingShard(model, new DataBlock(train.X, train.Y, p));
        var random = new Random(2);
        _theta = Enumerable.Range(0, model.Layout.Dimension).Select(_ => 0.01 * (random.NextDouble() - 0.5)).ToArray();
        _v = Enumerable.Range(0, model.Layout.Dimension).Select(_ => random.NextDouble() - 0.5).ToArray();
        _shard.SetPoint(_theta, []);
    }

    [Benchmark(Baseline = true, Description = "sequential read of the shard")]
    public double SequentialRead()
    {
        // Sum of the feature bytes: the same memory traffic as one pass of a kernel.
        return System.Numerics.Tensors.TensorPrimitives.Sum<double>(_x);
    }

    [Benchmark(Description = "loss + gradient")]
    public double LossGradient() => _shard.SetPoint(_theta, []).Loss;

    [Benchmark(Description = "Hessian-vector product")]
    public double[] Hvp() => _shard.Hvp(_v);
}

/// <summary>
/// The logistic HVP on a shard ten times the L3 cache (400,000 × 100 doubles, 320 MB): the
/// memory-bound regime a real shard is in, where the read it is compared with runs from DRAM.
/// </summary>
public class LargeShardBenchmarks
{
    private TrainingShard _shard = null!;
    private double[] _v = [];
    private double[] _x = [];

    [GlobalSetup]
    public void Setup()
    {
        var (train, _) = SyntheticData.Generate("logistic", new SyntheticSpec(400_000, 100, Seed: 1, ValidationRows: 1));
        var model = new LogisticModel(100);
        _x = train.X;
        _shard = new TrainingShard(model, new DataBlock(train.X, train.Y, 100));
        _v = Enumerable.Range(0, model.Layout.Dimension).Select(i => Math.Cos(i)).ToArray();
        _shard.SetPoint(new double[model.Layout.Dimension], []);
    }

    [Benchmark(Baseline = true, Description = "sequential read, 320 MB")]
    public double SequentialRead() => System.Numerics.Tensors.TensorPrimitives.Sum<double>(_x);

    [Benchmark(Description = "logistic HVP, 320 MB")]
    public double[] Hvp() => _shard.Hvp(_v);
}

/// <summary>One CG iteration's vector work on top of an HVP, for a problem of Fashion-MNIST's shape.</summary>
[MemoryDiagnoser]
public class CgBenchmarks
{
    private LocalObjective _objective = null!;
    private double[] _b = [];

    [GlobalSetup]
    public void Setup()
    {
        var (train, validation) = SyntheticData.Generate("softmax", new SyntheticSpec(5_000, 784, 10, Seed: 3, ValidationRows: 100));
        var model = new SoftmaxModel(784, 10);
        var problem = new BilevelProblem(model, new L2Penalty(model.Layout, L2Penalty.Grouping.Global),
            new DataBlock(train.X, train.Y, 784), new DataBlock(validation.X, validation.Y, 784));
        _objective = new LocalObjective(problem, shards: 1);
        _objective.TrainLossGrad(new double[model.Layout.Dimension], [-4.0]).AsTask().Wait();
        _b = Enumerable.Range(0, model.Layout.Dimension).Select(i => Math.Sin(i)).ToArray();
    }

    [Benchmark(Description = "10 CG iterations (5,000 × 784, 10 classes)")]
    public async Task<double> TenIterations()
    {
        var result = await new ConjugateGradient { Tolerance = 0, MaxIterations = 10, VerifyResidual = false }
            .Solve(new HessianOperator(_objective), _b);
        return result.Residual;
    }
}

/// <summary>The wire form of a vector: to bytes and back, as every grain call does.</summary>
[MemoryDiagnoser]
public class VectorCodecBenchmarks
{
    [Params(7_850, 1_000_000)]
    public int Length = 7_850;

    private double[] _values = [];
    private Abstractions.Vector _vector = null!;

    [GlobalSetup]
    public void Setup()
    {
        _values = Enumerable.Range(0, Length).Select(i => i * 0.5).ToArray();
        _vector = Abstractions.Vector.Of(_values);
    }

    [Benchmark(Description = "double[] → Vector")]
    public Abstractions.Vector Encode() => Abstractions.Vector.Of(_values);

    [Benchmark(Description = "Vector → double[]")]
    public double[] Decode() => _vector.ToArray();
}

/// <summary>
/// The two loops of a softmax HVP (scores, then the rank-one updates) over 20,000 × 784 rows and 10
/// classes, side by side: two rows a call with 256-bit vectors (the kernels before 2026-11-28) against
/// four rows a call with 512-bit vectors where the machine has them.
/// </summary>
public class SoftmaxTileBenchmarks
{
    private const int Rows = 20_000, P = 784, K = 10;
    private double[] _x = [], _m = [], _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _x = Enumerable.Range(0, Rows * P).Select(_ => random.NextDouble()).ToArray();
        _m = Enumerable.Range(0, K * P).Select(_ => random.NextDouble() - 0.5).ToArray();
        _output = new double[K * P];
    }

    [Benchmark(Baseline = true, Description = "pairs, 256-bit")]
    public double Pairs()
    {
        Span<double> za = stackalloc double[K], zb = stackalloc double[K];
        for (int i = 0; i < Rows; i += 2)
        {
            var xa = _x.AsSpan(i * P, P);
            var xb = _x.AsSpan((i + 1) * P, P);
            PairKernels.Scores(xa, xb, _m, za, zb);
            PairKernels.Accumulate(xa, xb, za, zb, _output);
        }
        return _output[0];
    }

    [Benchmark(Description = "quads, 512-bit where available")]
    public double Quads()
    {
        Span<double> z = stackalloc double[QuadKernels.Rows * K];
        for (int i = 0; i < Rows; i += QuadKernels.Rows)
        {
            var x = _x.AsSpan(i * P, QuadKernels.Rows * P);
            QuadKernels.Scores(x, _m, z);
            QuadKernels.Accumulate(x, z, _output);
        }
        return _output[0];
    }
}
