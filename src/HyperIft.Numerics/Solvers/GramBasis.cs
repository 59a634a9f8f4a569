namespace HyperIft.Numerics.Solvers;

/// <summary>
/// S = (1/n) Σ x_i x_iᵀ of the training features (p×p), and its eigenbasis whitened by a penalty D,
/// D^{-1/2} S D^{-1/2} = U Λ Uᵀ, for <see cref="KroneckerPreconditioner"/>. S never changes during a run;
/// D changes with λ only, so the last basis is kept and reused for as long as D is the same (the
/// Newton iterations and the linear solve of one outer step). A uniform D = d·I (one L2 strength)
/// only scales S, so S's own eigenbasis, computed once, serves every d: Λ(S/d) = Λ(S)/d.
/// </summary>
public sealed class GramBasis(double[] gram, int features)
{
    /// <summary>The largest p whose Gram matrix is formed (p² doubles: 128 MiB at 4,096).</summary>
    public const int MaxFeatures = 4096;

    private readonly double[] _gram = gram.Length == (long)features * features
        ? gram
        : throw new ArgumentException($"S has {gram.Length} entries, expected {features}×{features}.");

    private Whitened? _last;

    /// <summary>Why S cannot be formed for p features, or null.</summary>
    public static string? Problem(int features) => features > MaxFeatures
        ? $"--kronecker forms the {features}×{features} Gram matrix of the features; it is for at most {MaxFeatures} features"
        : null;
    private (double[] Vectors, double[] Values)? _unscaled;

    /// <summary>trace(S)/p: the scale a penalty is small against.</summary>
    public double MeanDiagonal { get; } = Enumerable.Range(0, features).Average(f => gram[f * features + f]);

    /// <summary>The eigenbasis of D^{-1/2} S D^{-1/2}: vectors U (p×p row-major, columns the eigenvectors), values Λ, and D^{-1/2}.</summary>
    public sealed record Whitened(int Features, double[] Penalty, double[] Vectors, double[] Values, double[] InverseSqrtPenalty);

    public Whitened For(double[] penalty)
    {
        int p = features;
        if (penalty.Length != p) throw new ArgumentException($"D has {penalty.Length} entries, expected {p}.");
        if (_last is { } last && last.Penalty.AsSpan().SequenceEqual(penalty)) return last;
        var inverseSqrt = new double[p];
        for (int f = 0; f < p; f++)
        {
            if (!(penalty[f] > 0))
                throw new SolverException($"Kronecker preconditioner: the L2 penalty of feature {f} is {penalty[f]:G4}, not positive.");
            inverseSqrt[f] = 1.0 / Math.Sqrt(penalty[f]);
        }
        double[] vectors, values;
        if (penalty.AsSpan().IndexOfAnyExcept(penalty[0]) < 0)
        {
            _unscaled ??= PsdEigen.Of(Symmetrized(null), p);
            vectors = _unscaled.Value.Vectors;
            values = Array.ConvertAll(_unscaled.Value.Values, v => v / penalty[0]);
        }
        else
        {
            (vectors, values) = PsdEigen.Of(Symmetrized(inverseSqrt), p);
        }
        return _last = new Whitened(p, (double[])penalty.Clone(), vectors, values, inverseSqrt);
    }

    /// <summary>diag(scale) · ½(S + Sᵀ) · diag(scale), row-major (no scaling when null).</summary>
    private double[] Symmetrized(double[]? scale)
    {
        int p = features;
        var s = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                s[i * p + j] = 0.5 * (_gram[i * p + j] + _gram[j * p + i]) * (scale is null ? 1.0 : scale[i] * scale[j]);
        return s;
    }
}
