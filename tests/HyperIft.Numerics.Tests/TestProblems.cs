using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Numerics.Tests;

/// <summary>Small seeded bilevel problems for every model and hyperparameter kind.</summary>
public static class TestProblems
{
    public static readonly string[] Models = ["ridge", "logistic", "softmax"];
    public static readonly string[] Kinds = ["l2", "l2-layer", "l2-feature", "l2-param", "example-weights"];

    public static IEnumerable<object[]> AllCombinations() =>
        from m in Models from k in Kinds select new object[] { m, k };

    public static BilevelProblem Make(string model, string kind, int rows = 60, int features = 4, int classes = 3,
        int seed = 1, bool intercept = true, double exampleL2 = 1e-2)
    {
        var (train, validation) = SyntheticData.Generate(model,
            new SyntheticSpec(rows, features, classes, seed, ValidationRows: rows / 2 + 3));
        var m = ModelKinds.Create(model, features, classes, intercept);
        var hyper = HyperparameterKinds.Create(kind, m.Layout, train.Rows, exampleL2);
        return new BilevelProblem(m, hyper, Block(train), Block(validation));
    }

    public static DataBlock Block(Dataset d) => new(d.X, d.Y, d.Features);

    /// <summary>A λ with distinct entries, so that a mix-up of indices shows.</summary>
    public static double[] Lambda(int count, double center = -2.0)
    {
        var lambda = new double[count];
        for (int i = 0; i < count; i++) lambda[i] = center + 0.5 * Math.Sin(1.7 * i + 0.3);
        return lambda;
    }

    /// <summary>A deterministic vector with varied entries.</summary>
    public static double[] Vector(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>A copy of <paramref name="x"/> with <paramref name="h"/> added to entry <paramref name="i"/>.</summary>
    public static double[] Shift(double[] x, int i, double h)
    {
        var y = (double[])x.Clone();
        y[i] += h;
        return y;
    }

    public static void AssertRelative(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        double error = Vec.RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"{what}: relative error {error:E3} > {tolerance:E1}");
    }
}
