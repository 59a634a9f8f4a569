using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Solvers;

/// <summary>
/// Forms A column by column from its products and factors it with MathNet's Cholesky: exact to
/// rounding, for small dimensions (d products and O(d³) work) and as a reference for the others.
/// </summary>
public sealed class DenseCholeskySolver : ILinearSolver
{
    public string Name => "exact";

    public const int DefaultMaxDimension = 4000;

    public int MaxDimension { get; init; } = DefaultMaxDimension;

    public async ValueTask<SolveResult> Solve(ILinearOperator a, double[] b, double[]? initialGuess = null,
        CancellationToken ct = default)
    {
        var matrix = a is DenseOperator dense ? dense.Matrix : await Materialize(a, MaxDimension, ct);
        var rhs = Vector<double>.Build.DenseOfArray(b);
        Vector<double> x;
        try
        {
            x = matrix.Cholesky().Solve(rhs);
        }
        catch (ArgumentException)
        {
            throw new SolverException("Cholesky failed: the Hessian is not positive definite here.");
        }
        double bNorm = rhs.L2Norm();
        double residual = bNorm == 0 ? 0 : (rhs - matrix * x).L2Norm() / bNorm;
        return new SolveResult(Name, x.ToArray(), 1, residual, SolveResult.ByResidual(residual, true));
    }

    /// <summary>The dense matrix of an operator, symmetrized to remove rounding asymmetry.</summary>
    public static async ValueTask<Matrix<double>> Materialize(ILinearOperator a, int maxDimension, CancellationToken ct = default)
    {
        int n = a.Dimension;
        if (n > maxDimension)
            throw new SolverException($"The exact solver forms a dense {n}×{n} matrix; the limit is {maxDimension}. Use --solver cg.");
        var m = Matrix<double>.Build.Dense(n, n);
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            e[j] = 1.0;
            m.SetColumn(j, await a.Apply(e, ct));
            e[j] = 0.0;
        }
        return (m + m.Transpose()) * 0.5;
    }
}
