namespace HyperIft.Numerics.Solvers;

/// <summary>A symmetric linear map known only by its products — the Hessian, in practice.</summary>
public interface ILinearOperator
{
    int Dimension { get; }

    ValueTask<double[]> Apply(double[] x, CancellationToken ct = default);

    /// <summary>The diagonal, for Jacobi preconditioning.</summary>
    ValueTask<double[]> Diagonal(CancellationToken ct = default);

    /// <summary>A Kronecker-factored preconditioner of this operator + shift·I (a linear model's Hessian).</summary>
    ValueTask<KroneckerPreconditioner> Kronecker(double shift, CancellationToken ct = default) =>
        throw new SolverException("this operator has no Kronecker factors");
}
