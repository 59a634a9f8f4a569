namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// A kind whose λ is not in the penalty: every weight takes the fixed strength α = <c>--l2</c> (as do an
/// MLP's hidden biases, for every kind), P = ½ α ‖w‖², which keeps H positive definite. Example
/// weights (SPEC §4) and the kinds that make the inputs (§8); their cross terms come from the data.
/// </summary>
public abstract class FixedL2Hyperparameter : Hyperparameter
{
    private readonly L2Penalty _fixed;
    private readonly double[] _logStrength;

    protected FixedL2Hyperparameter(ParameterLayout layout, double l2Strength, string kind) : base(layout)
    {
        L2Strength = l2Strength > 0
            ? l2Strength
            : throw new ArgumentOutOfRangeException(nameof(l2Strength), $"{kind} needs a positive --l2");
        // The one-group l2 penalty at λ = log α gives every weight the fixed strength.
        _fixed = new L2Penalty(layout, L2Penalty.Grouping.Global, L2Strength);
        _logStrength = [Math.Log(L2Strength)];
    }

    public double L2Strength { get; }

    public override double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad) =>
        _fixed.Penalty(theta, _logStrength, grad);

    public override void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv) =>
        _fixed.PenaltyHvp(_logStrength, v, hv);

    public override void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal) =>
        _fixed.PenaltyDiagonal(_logStrength, diagonal);

    public override void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross) => cross.Clear();
}
