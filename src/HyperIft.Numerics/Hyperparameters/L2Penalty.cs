namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// P = ½ Σ_k e^{λ_g(k)} w_k² over the weights k, where the group g(k) is one for all weights
/// (<c>l2</c>), the weight's feature (<c>l2-feature</c>, shared across classes) or the weight
/// itself (<c>l2-param</c>). Weights are indexed feature-major: k = feature·C + class.
/// </summary>
public sealed class L2Penalty : Hyperparameter
{
    public enum Grouping { Global, PerFeature, PerParameter }

    private readonly Grouping _grouping;

    public L2Penalty(ParameterLayout layout, Grouping grouping) : base(layout) => _grouping = grouping;

    public override string Name => _grouping switch
    {
        Grouping.Global => "l2",
        Grouping.PerFeature => "l2-feature",
        _ => "l2-param",
    };

    public override int Count => _grouping switch
    {
        Grouping.Global => 1,
        Grouping.PerFeature => Layout.Features,
        _ => Layout.WeightCount,
    };

    private int GroupOf(int weight) => _grouping switch
    {
        Grouping.Global => 0,
        Grouping.PerFeature => weight / Layout.Outputs,
        _ => weight,
    };

    public override double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad)
    {
        double sum = 0;
        for (int k = 0; k < Layout.WeightCount; k++)
        {
            double s = Math.Exp(lambda[GroupOf(k)]);
            sum += s * theta[k] * theta[k];
            grad[k] += s * theta[k];
        }
        return 0.5 * sum;
    }

    public override void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv)
    {
        for (int k = 0; k < Layout.WeightCount; k++) hv[k] += Math.Exp(lambda[GroupOf(k)]) * v[k];
    }

    public override void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal)
    {
        for (int k = 0; k < Layout.WeightCount; k++) diagonal[k] += Math.Exp(lambda[GroupOf(k)]);
    }

    // ∂/∂λ_g (vᵀ∇_θ P) = e^{λ_g} Σ_{k∈g} w_k v_k
    public override void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross)
    {
        cross.Clear();
        for (int k = 0; k < Layout.WeightCount; k++) cross[GroupOf(k)] += theta[k] * v[k];
        for (int g = 0; g < cross.Length; g++) cross[g] *= Math.Exp(lambda[g]);
    }
}
