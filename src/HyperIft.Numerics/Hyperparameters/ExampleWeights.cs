using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// One hyperparameter per training row: c_i = 2σ(λ_i) ∈ (0, 2), so λ = 0 is the unweighted loss.
/// A fixed L2 strength α keeps H positive definite: P = ½ α ‖w‖². The cross term is data-dependent,
/// (1/n) c'(λ_i) ∇ℓ_i·v, and is assembled by <see cref="Objectives.ShardedObjective"/> from the shards.
/// </summary>
public sealed class ExampleWeights(ParameterLayout layout, int rows, double l2Strength) : Hyperparameter(layout)
{
    public const double DefaultL2 = 1e-3;

    public double L2Strength { get; } = l2Strength > 0
        ? l2Strength
        : throw new ArgumentOutOfRangeException(nameof(l2Strength), "example-weights needs a positive --l2");

    public override string Name => "example-weights";
    public override int Count { get; } = rows;
    public override bool WeightsRows => true;

    public static double RowWeight(double lambda) => 2.0 * LogisticModel.Sigmoid(lambda);

    public static double RowWeightDerivative(double lambda)
    {
        double s = LogisticModel.Sigmoid(lambda);
        return 2.0 * s * (1.0 - s);
    }

    public override double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad)
    {
        var w = theta[..Layout.WeightCount];
        Vec.Axpy(L2Strength, w, grad[..Layout.WeightCount]);
        return 0.5 * L2Strength * Vec.Dot(w, w);
    }

    public override void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv) =>
        Vec.Axpy(L2Strength, v[..Layout.WeightCount], hv[..Layout.WeightCount]);

    public override void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal)
    {
        for (int k = 0; k < Layout.WeightCount; k++) diagonal[k] += L2Strength;
    }

    public override void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross) => cross.Clear();
}
