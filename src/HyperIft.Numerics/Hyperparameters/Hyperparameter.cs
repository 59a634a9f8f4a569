namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// How λ enters the training objective f(θ, λ) = (1/n) Σ c_i(λ) ℓ_i(θ) + P(θ, λ) (SPEC §4).
/// The penalty P acts on the weights only (never on intercepts); the row weights c_i are 1
/// unless <see cref="WeightsRows"/>.
/// </summary>
public abstract class Hyperparameter
{
    protected Hyperparameter(ParameterLayout layout) => Layout = layout;

    public ParameterLayout Layout { get; }

    public abstract string Name { get; }

    /// <summary>Number of entries of λ.</summary>
    public abstract int Count { get; }

    /// <summary>True when λ holds one weight per training row (c_i = 2σ(λ_i)).</summary>
    public virtual bool WeightsRows => false;

    /// <summary>
    /// The part of λ a training shard of rows [start, start + count) applies to its own rows (their weights,
    /// or the inputs built from them), as an offset and length into λ; null when shards need none of λ.
    /// </summary>
    public virtual (int Offset, int Length)? ShardSlice(int start, int count) => null;

    /// <summary>True when training shards take a slice of λ (<see cref="ShardSlice"/>).</summary>
    public bool ShardsTakeLambda => ShardSlice(0, 0) is not null;

    /// <summary>Returns P(θ, λ) and adds ∇_θ P to <paramref name="grad"/>.</summary>
    public abstract double Penalty(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, Span<double> grad);

    /// <summary>Adds ∇²_θ P · v to <paramref name="hv"/>.</summary>
    public abstract void PenaltyHvp(ReadOnlySpan<double> lambda, ReadOnlySpan<double> v, Span<double> hv);

    /// <summary>Adds diag(∇²_θ P) to <paramref name="diagonal"/>.</summary>
    public abstract void PenaltyDiagonal(ReadOnlySpan<double> lambda, Span<double> diagonal);

    /// <summary>Writes (∂²P/∂λ∂θ)ᵀ v into <paramref name="cross"/> (length <see cref="Count"/>).</summary>
    public abstract void PenaltyCross(ReadOnlySpan<double> theta, ReadOnlySpan<double> lambda, ReadOnlySpan<double> v,
        Span<double> cross);
}
