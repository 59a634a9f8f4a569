namespace HyperIft.Numerics.Solvers;

/// <summary>
/// The answer of a linear solve A x = b. <see cref="Residual"/> is the true relative residual
/// ‖b − A x‖ / ‖b‖ of the returned x, recomputed at the end rather than taken from a recursion.
/// </summary>
public sealed record SolveResult(string Solver, double[] Solution, int Iterations, double Residual, bool Converged);

/// <summary>A solve that cannot give a trustworthy answer (e.g. a matrix that is not positive definite).</summary>
public sealed class SolverException(string message) : Exception(message);

/// <summary>Solves A x = b for a symmetric positive definite A.</summary>
public interface ILinearSolver
{
    string Name { get; }

    /// <param name="initialGuess">A warm start; solvers that cannot use one ignore it.</param>
    ValueTask<SolveResult> Solve(ILinearOperator a, double[] b, double[]? initialGuess = null, CancellationToken ct = default);
}
