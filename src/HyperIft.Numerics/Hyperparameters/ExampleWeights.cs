using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// One hyperparameter per training row: c_i = 2σ(λ_i) ∈ (0, 2), so λ = 0 is the unweighted loss.
/// A fixed L2 strength α keeps H positive definite: P = ½ α ‖w‖² (and α on an MLP's hidden biases,
/// as for every kind). The cross term is data-dependent,
/// (1/n) c'(λ_i) ∇ℓ_i·v, and is assembled by <see cref="Objectives.ShardedObjective"/> from the shards.
/// </summary>
public sealed class ExampleWeights(ParameterLayout layout, int rows, double l2Strength) : Hyperparameter(layout)
{
    // Every weight takes the fixed strength: the one-group l2 penalty at λ = log α does exactly that.
    private readonly L2Penalty _fixed = new(layout, L2Penalty.Grouping.Global, l2Strength > 0 ? l2Strength : 1.0);
    private readonly double[] _logStrength = [Math.Log(l2Strength)];

    public const double DefaultL2 = 1e-3;

    /// <summary>The kind's name on the command line.</summary>
    public const string KindName = "example-weights";

    public double L2Strength { get; } = l2Strength > 0
        ? l2Strength
        : throw new ArgumentOutOfRangeException(nameof(l2Strength), "example-weights needs a positive --l2");

    public override string Name => KindName;
    public override int Count { get; } = rows;
    public override bool WeightsRows => true;

    public static double RowWeight(double lambda) => 2.0 * LogisticModel.Sigmoid(lambda);

    public static double RowWeightDerivative(double lambda)
    {
        double s = LogisticModel.Sigmoid(lambda);
        return 2.0 * s * (1.0 - s);
    }

    public override double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad) =>
        _fixed.Penalty(theta, _logStrength, grad);

    public override void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv) =>
        _fixed.PenaltyHvp(_logStrength, v, hv);

    public override void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal) =>
        _fixed.PenaltyDiagonal(_logStrength, diagonal);

    public override void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross) => cross.Clear();
}
