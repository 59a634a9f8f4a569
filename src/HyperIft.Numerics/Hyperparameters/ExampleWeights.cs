using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// One hyperparameter per training row: c_i = 2σ(λ_i) ∈ (0, 2), so λ = 0 is the unweighted loss, with the
/// fixed L2 strength on the weights. The cross term is data-dependent, (1/n) c'(λ_i) ∇ℓ_i·v, and is
/// assembled by <see cref="Objectives.ShardedObjective"/> from the shards, each holding its rows' slice of λ.
/// </summary>
public sealed class ExampleWeights(ParameterLayout layout, int rows, double l2Strength)
    : FixedL2Hyperparameter(layout, l2Strength, KindName)
{
    public const double DefaultL2 = 1e-3;

    /// <summary>The kind's name on the command line.</summary>
    public const string KindName = "example-weights";

    public override string Name => KindName;
    public override int Count { get; } = rows;
    public override bool WeightsRows => true;

    public override (int Offset, int Length)? ShardSlice(int start, int count) => (start, count);

    public static double RowWeight(double lambda) => 2.0 * LogisticModel.Sigmoid(lambda);

    public static double RowWeightDerivative(double lambda)
    {
        double s = LogisticModel.Sigmoid(lambda);
        return 2.0 * s * (1.0 - s);
    }

    /// <summary>Row i's cross term (1/n) c'(λ_i) ∇ℓ_i·v, from <paramref name="dot"/> = ∇ℓ_i·v.</summary>
    public static double RowCross(double lambda, double dot, int rows) => RowWeightDerivative(lambda) * dot / rows;

    /// <summary>
    /// dg/dλ over a slice of rows, from their ∇ℓ_i·v: −(1/n) c'(λ_i) ∇ℓ_i·v (∇_λ g = 0), the entries
    /// <see cref="Objectives.ShardedObjective.CrossTerm"/> gives for these rows, negated, bit for bit.
    /// </summary>
    public static double[] SliceHypergradient(ReadOnlySpan<double> lambda, ReadOnlySpan<double> dots, int rows)
    {
        if (lambda.Length != dots.Length) throw new ArgumentException($"{dots.Length} row products for {lambda.Length} row hyperparameters");
        var gradient = new double[lambda.Length];
        for (int i = 0; i < gradient.Length; i++) gradient[i] = -RowCross(lambda[i], dots[i], rows);
        return gradient;
    }
}
