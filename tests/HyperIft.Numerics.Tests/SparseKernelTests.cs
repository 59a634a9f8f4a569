using HyperIft.Data;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Every model's kernels over sparse rows (CSR) against the same rows stored dense: loss, gradient,
/// cache, HVP, Hessian diagonal, the per-row gradient products and the outputs, with row weights,
/// on a slice that starts inside the arrays (the offsets are absolute), with empty rows. Only the
/// order of the sums differs, so they agree to rounding; then whole hypergradients.
/// </summary>
public class SparseKernelTests
{
    private const double Tolerance = 1e-13;

    public static IEnumerable<object[]> Models() =>
        new[] { "ridge", "logistic", "softmax", "mlp:tanh:5", "mlp:softplus:4,3" }.Select(m => new object[] { m });

    private static Model Create(string name, int features, int classes) => name.Split(':') switch
    {
        ["mlp", var activation, var hidden] => new MlpModel(features, ModelShape.ParseHidden(hidden), classes, Activations.Parse(activation)),
        _ => ModelKinds.Create(name, features, classes, intercept: true),
    };

    /// <summary>Synthetic rows with about 70 % of the entries zeroed and every fifth row empty.</summary>
    private static (Dataset Dense, Dataset Sparse) Rows(string model, int rows = 41, int features = 13, int classes = 4, int seed = 2)
    {
        var (train, _) = SyntheticData.Generate(model.Split(':')[0], new SyntheticSpec(rows, features, classes, seed));
        var x = (double[])train.X.Clone();
        var random = new Random(seed);
        for (int i = 0; i < rows; i++)
            for (int f = 0; f < features; f++)
                if (i % 5 == 3 || random.NextDouble() < 0.7) x[i * features + f] = 0;
        var dense = train.WithFeatures(x);
        return (dense, dense.ToSparse());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Sparse_kernels_equal_the_dense_ones(string name)
    {
        const int classes = 4;
        var (denseSet, sparseSet) = Rows(name, classes: classes);
        Assert.True(sparseSet.IsSparse);
        Assert.InRange(sparseSet.StoredValues, 1, denseSet.X.Length / 2);
        // A slice that starts and ends inside the arrays.
        var dense = denseSet.Block.Slice(4, 30);
        var sparse = sparseSet.Block.Slice(4, 30);
        var model = Create(name, denseSet.Features, classes);
        var theta = TestProblems.Vector(model.Layout.Dimension, 3);
        var v = TestProblems.Vector(model.Layout.Dimension, 4);
        var c = TestProblems.Vector(dense.Rows, 5).Select(w => 1.0 + 0.5 * w).ToArray();

        var (lossD, gradD, cacheD) = LossGrad(model, dense, theta, c);
        var (lossS, gradS, cacheS) = LossGrad(model, sparse, theta, c);
        Assert.True(Math.Abs(lossS - lossD) <= Tolerance * Math.Abs(lossD), $"{name} loss {lossS} vs {lossD}");
        TestProblems.AssertRelative(gradS, gradD, Tolerance, $"{name} gradient");
        TestProblems.AssertRelative(cacheS, cacheD, Tolerance, $"{name} cache");

        var hvD = new double[theta.Length];
        var hvS = new double[theta.Length];
        model.Hvp(dense, theta, cacheD, c, v, hvD);
        model.Hvp(sparse, theta, cacheS, c, v, hvS);
        TestProblems.AssertRelative(hvS, hvD, Tolerance, $"{name} HVP");

        if (!name.StartsWith("mlp", StringComparison.Ordinal))
        {
            var diagD = new double[theta.Length];
            var diagS = new double[theta.Length];
            model.HessianDiagonal(dense, theta, cacheD, c, diagD);
            model.HessianDiagonal(sparse, theta, cacheS, c, diagS);
            TestProblems.AssertRelative(diagS, diagD, Tolerance, $"{name} Hessian diagonal");
        }

        var dotD = new double[dense.Rows];
        var dotS = new double[dense.Rows];
        model.RowGradientDot(dense, theta, cacheD, v, dotD);
        model.RowGradientDot(sparse, theta, cacheS, v, dotS);
        TestProblems.AssertRelative(dotS, dotD, Tolerance, $"{name} row gradient products");

        var outD = new double[dense.Rows * model.Layout.Outputs];
        var outS = new double[dense.Rows * model.Layout.Outputs];
        model.Outputs(dense, theta, outD);
        model.Outputs(sparse, theta, outS);
        TestProblems.AssertRelative(outS, outD, Tolerance, $"{name} outputs");
    }

    private static (double Loss, double[] Gradient, double[] Cache) LossGrad(Model model, DataBlock data, double[] theta, double[] c)
    {
        var grad = new double[theta.Length];
        var cache = new double[data.Rows * model.CacheWidth];
        double loss = model.LossGrad(data, theta, c, grad, cache);
        return (loss, grad, cache);
    }

    [Theory]
    [InlineData("logistic", "l2-feature")]
    [InlineData("softmax", "l2-param")]
    [InlineData("softmax", "example-weights")]
    [InlineData("mlp:tanh:5", "l2-layer")]
    public async Task A_hypergradient_over_sparse_rows_equals_the_dense_one(string name, string kind)
    {
        const int classes = 3;
        var (trainD, trainS) = Rows(name, rows: 60, features: 9, classes: classes, seed: 7);
        var (valD, valS) = Rows(name, rows: 33, features: 9, classes: classes, seed: 8);
        var model = Create(name, 9, classes);
        var hyper = HyperparameterKinds.Create(kind, model.Layout, trainD.Rows, 1e-2);
        var lambda = TestProblems.Lambda(hyper.Count, kind == "example-weights" ? 0.3 : -2.0);

        async Task<double[]> Hypergradient(Dataset train, Dataset val)
        {
            var objective = new LocalObjective(new BilevelProblem(model, hyper, train.Block, val.Block), shards: 3)
            {
                InitialTheta = model.InitialTheta(1),
            };
            IInnerSolver inner = model.Convex ? new NewtonCg { Tolerance = 1e-12 } : new TrustRegionNewtonCg { Tolerance = 1e-11 };
            var result = await new ImplicitHypergradient(inner, new Solvers.ConjugateGradient { Tolerance = 1e-12 }).Compute(objective, lambda);
            Assert.True(result.Inner.Converged, $"{name}: inner ‖∇f‖ = {result.Inner.GradientNorm:E2}");
            return result.Hypergradient;
        }

        var dense = await Hypergradient(trainD, valD);
        var sparse = await Hypergradient(trainS, valS);
        TestProblems.AssertRelative(sparse, dense, 1e-9, $"{name} {kind} hypergradient");
    }

    [Fact]
    public void Csr_rows_out_of_order_or_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SparseRows(new[] { 0, 2 }, new[] { 3, 1 }, new[] { 1.0, 2.0 }, 5));
        Assert.Throws<ArgumentException>(() => new SparseRows(new[] { 0, 2 }, new[] { 1, 1 }, new[] { 1.0, 2.0 }, 5));
        Assert.Throws<ArgumentException>(() => new SparseRows(new[] { 0, 1 }, new[] { 5 }, new[] { 1.0 }, 5));
        Assert.Throws<ArgumentException>(() => new SparseRows(new[] { 0, 3 }, new[] { 1, 2 }, new[] { 1.0, 2.0 }, 5));
        var ok = new SparseRows(new[] { 0, 2, 2, 3 }, new[] { 0, 4, 2 }, new[] { 1.0, 2.0, 3.0 }, 5);
        Assert.Equal(3, ok.Rows);
        Assert.Equal(3, ok.NonZeros);
        Assert.Equal(1, ok.Slice(1, 2).NonZeros);
        Assert.Equal(2.0 * 7 + 1.0 * 1, ok.Row(0).Dot(new[] { 1.0, 0, 0, 0, 7.0 }));
    }
}
