namespace HyperIft.Numerics.Solvers;

/// <summary>A symmetric linear map known only by its products — the Hessian, in practice.</summary>
public interface ILinearOperator
{
    int Dimension { get; }

    ValueTask<double[]> Apply(double[] x, CancellationToken ct = default);

    /// <summary>The diagonal, for Jacobi preconditioning.</summary>
    ValueTask<double[]> Diagonal(CancellationToken ct = default);
}
