using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// A λ that makes the training inputs (SPEC §8): each training shard trains on rows it builds from its own
/// rows and its slice of λ, and f = (1/N) Σ ℓ(θ; x̃_r(λ), y_r) + ½ α‖w‖² over the N built rows. The cross
/// term is each built row's input derivative m_r = ∂/∂x̃_r [∇_θ ℓ_r · v] (<see cref="Model.InputCross"/>)
/// pulled back through x̃(λ), which the built rows themselves know how to do.
/// </summary>
public abstract class InputHyperparameter(ParameterLayout layout, double l2Strength, string kind)
    : FixedL2Hyperparameter(layout, l2Strength, kind)
{
    /// <summary>N, the rows f averages over, when the shards hold <paramref name="rows"/> rows between them.</summary>
    public abstract int BuiltRows(int rows);

    public abstract override (int Offset, int Length)? ShardSlice(int start, int count);

    /// <summary>The rows a shard of rows [start, start + own.Rows) trains on, at its slice of λ.</summary>
    public abstract InputRows Build(DataBlock own, int start, ReadOnlySpan<double> slice);
}

/// <summary>Rows built from λ, and the way back from their input derivatives to λ.</summary>
public abstract class InputRows(DataBlock rows)
{
    /// <summary>What the model trains on (dense).</summary>
    public DataBlock Rows { get; } = rows;

    /// <summary>Adds Σ_r (∂x̃_r/∂λ)ᵀ m_r to <paramref name="cross"/> (the length of the shard's slice); m is rows × p.</summary>
    public abstract void PullBack(ReadOnlySpan<double> inputCross, Span<double> cross);
}
