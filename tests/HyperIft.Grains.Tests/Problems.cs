using HyperIft.Data;
using HyperIft.Abstractions;
using HyperIft.Numerics;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains.Tests;

/// <summary>The same problem as the cluster sees it (a <see cref="ProblemSpec"/>) and in process (a <see cref="LocalObjective"/>).</summary>
public static class Problems
{
    public static readonly SolverSettings TightCg = new SolverSettings(InnerTolerance: 1e-11, SolverTolerance: 1e-11);

    public static ProblemSpec Spec(string model, string hyper, string source, int shards, double exampleL2 = 1e-2, string hidden = "") => new(
        model, hyper,
        new DataSpec(source, DataPart.Train, model),
        new DataSpec(source, DataPart.Validation, model),
        Classes: null, Intercept: true, Standardize: false, ExampleWeightL2: exampleL2, Shards: shards, Hidden: hidden);

    public static LocalObjective Local(ProblemSpec spec) => ProblemBuilder.Local(spec);

    public static double[] Lambda(int count, double center)
    {
        var lambda = new double[count];
        for (int i = 0; i < count; i++) lambda[i] = center + 0.3 * Math.Sin(1.3 * i);
        return lambda;
    }

    public static void AssertRelative(double[] actual, double[] expected, double tolerance, string what)
    {
        double error = Vec.RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"{what}: relative error {error:E3} > {tolerance:E1}");
    }
}
