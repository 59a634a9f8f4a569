namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// P = ½ Σ_k s_k w_k² over the weights k, with s_k = e^{λ_g(k)} for the weight's group g(k): one for
/// all weights (<c>l2</c>), its layer (<c>l2-layer</c>), its input feature in the first layer
/// (<c>l2-feature</c>; deeper layers take the fixed strength) or the weight itself (<c>l2-param</c>,
/// in θ order). Penalized biases (an MLP's hidden biases) always take the fixed strength (SPEC §4, §7).
/// </summary>
public sealed class L2Penalty : Hyperparameter
{
    public enum Grouping { Global, PerLayer, PerFeature, PerParameter }

    /// <summary>Group of an entry with the fixed strength.</summary>
    private const int Fixed = -1;

    /// <summary>Group of an entry that is not penalized (an output intercept).</summary>
    private const int Free = -2;

    private readonly Grouping _grouping;
    private readonly double _fixed;
    private readonly int[] _group;

    public L2Penalty(ParameterLayout layout, Grouping grouping, double fixedStrength = ExampleWeights.DefaultL2) : base(layout)
    {
        _grouping = grouping;
        _fixed = fixedStrength > 0
            ? fixedStrength
            : throw new ArgumentOutOfRangeException(nameof(fixedStrength), "the fixed L2 strength must be positive");
        _group = Groups(layout, grouping);
    }

    public override string Name => _grouping switch
    {
        Grouping.Global => "l2",
        Grouping.PerLayer => "l2-layer",
        Grouping.PerFeature => "l2-feature",
        _ => "l2-param",
    };

    public override int Count => _grouping switch
    {
        Grouping.Global => 1,
        Grouping.PerLayer => Layout.Weights.Count,
        Grouping.PerFeature => Layout.Features,
        _ => Layout.WeightCount,
    };

    /// <summary>The group of every entry of θ, once per layout: the kernels below are then plain loops.</summary>
    private static int[] Groups(ParameterLayout layout, Grouping grouping)
    {
        var group = new int[layout.Dimension];
        Array.Fill(group, Free);
        int ordinal = 0;
        for (int b = 0; b < layout.Weights.Count; b++)
        {
            var block = layout.Weights[b];
            for (int k = 0; k < block.Count; k++, ordinal++)
                group[block.Offset + k] = grouping switch
                {
                    Grouping.Global => 0,
                    Grouping.PerLayer => b,
                    Grouping.PerFeature => b == 0 ? k / block.Outputs : Fixed,
                    _ => ordinal,
                };
        }
        foreach (var bias in layout.Biases)
            if (bias.Penalized) Array.Fill(group, Fixed, bias.Offset, bias.Count);
        return group;
    }

    /// <summary>s for every entry's group: e^{λ_g}, the fixed strength, or 0 for a free entry.</summary>
    private double Strength(double[] exp, int i) => _group[i] switch
    {
        Free => 0.0,
        Fixed => _fixed,
        var g => exp[g],
    };

    private static double[] Exp(ReadOnlySpan<double> lambda)
    {
        var s = new double[lambda.Length];
        for (int g = 0; g < s.Length; g++) s[g] = Math.Exp(lambda[g]);
        return s;
    }

    public override double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad)
    {
        var exp = Exp(lambda);
        double sum = 0;
        for (int i = 0; i < _group.Length; i++)
        {
            if (_group[i] == Free) continue;
            double s = Strength(exp, i);
            sum += s * theta[i] * theta[i];
            grad[i] += s * theta[i];
        }
        return 0.5 * sum;
    }

    public override void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv)
    {
        var exp = Exp(lambda);
        for (int i = 0; i < _group.Length; i++)
            if (_group[i] != Free) hv[i] += Strength(exp, i) * v[i];
    }

    public override void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal)
    {
        var exp = Exp(lambda);
        for (int i = 0; i < _group.Length; i++)
            if (_group[i] != Free) diagonal[i] += Strength(exp, i);
    }

    // ∂/∂λ_g (vᵀ∇_θ P) = e^{λ_g} Σ_{k∈g} w_k v_k; the fixed strengths do not depend on λ.
    public override void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross)
    {
        cross.Clear();
        for (int i = 0; i < _group.Length; i++)
            if (_group[i] >= 0) cross[_group[i]] += theta[i] * v[i];
        for (int g = 0; g < cross.Length; g++) cross[g] *= Math.Exp(lambda[g]);
    }
}
