using HyperIft.Numerics.Objectives;

namespace HyperIft.Numerics.Solvers;

/// <summary>∇²_θ f at the objective's current point, as a linear operator.</summary>
public sealed class HessianOperator(IBilevelObjective objective) : ILinearOperator
{
    public int Dimension => objective.ParameterCount;

    /// <summary>Products taken so far; each is one pass over the training data.</summary>
    public int Products { get; private set; }

    public ValueTask<double[]> Apply(double[] x, CancellationToken ct = default)
    {
        Products++;
        return objective.TrainHvp(x, ct);
    }

    public ValueTask<double[]> Diagonal(CancellationToken ct = default) => objective.TrainHessianDiagonal(ct);

    public ValueTask<KroneckerPreconditioner> Kronecker(double shift, CancellationToken ct = default) => objective.KroneckerPreconditioner(shift, ct);
}
