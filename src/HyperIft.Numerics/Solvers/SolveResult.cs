namespace HyperIft.Numerics.Solvers;

/// <summary>How a linear solve ended.</summary>
public enum SolveOutcome
{
    /// <summary>The residual met the tolerance (or, for Neumann and the exact solve, the answer is finite).</summary>
    Converged,

    /// <summary>The iteration cap was reached first: the answer is usable but above its tolerance.</summary>
    IterationCap,

    /// <summary>CG met pᵀAp ≤ 0: A is not positive definite, the answer is not trustworthy.</summary>
    NegativeCurvature,

    /// <summary>The answer is not finite (a divergent Neumann series, a failed factorization).</summary>
    Diverged,

    /// <summary>The caller cancelled the solve.</summary>
    Cancelled,
}

/// <summary>
/// The answer of a linear solve A x = b. <see cref="Residual"/> is the true relative residual
/// ‖b − A x‖ / ‖b‖ of the returned x, recomputed at the end rather than taken from a recursion.
/// <see cref="Detail"/> says what went wrong when the outcome is not a usable answer.
/// </summary>
public sealed record SolveResult(string Solver, double[] Solution, int Iterations, double Residual, SolveOutcome Outcome,
    string? Detail = null)
{
    public bool Converged => Outcome == SolveOutcome.Converged;

    /// <summary>This result, if its solution may be used (converged or at the iteration cap); else the failure as an exception.</summary>
    public SolveResult Usable() => Outcome switch
    {
        SolveOutcome.Converged or SolveOutcome.IterationCap => this,
        SolveOutcome.Cancelled => throw new OperationCanceledException($"{Solver} was cancelled after {Iterations} iterations."),
        _ => throw new SolverException(Detail ?? $"{Solver} ended with {Outcome} after {Iterations} iterations."),
    };

    /// <summary>Converged or at the cap by the residual; diverged when it is not finite.</summary>
    public static SolveOutcome ByResidual(double residual, bool metTolerance) =>
        !double.IsFinite(residual) ? SolveOutcome.Diverged : metTolerance ? SolveOutcome.Converged : SolveOutcome.IterationCap;
}

/// <summary>A solve that cannot give a trustworthy answer (e.g. a matrix that is not positive definite).</summary>
public sealed class SolverException(string message) : Exception(message);

/// <summary>Solves A x = b for a symmetric positive definite A.</summary>
public interface ILinearSolver
{
    string Name { get; }

    /// <param name="initialGuess">A warm start; solvers that cannot use one ignore it.</param>
    ValueTask<SolveResult> Solve(ILinearOperator a, double[] b, double[]? initialGuess = null, CancellationToken ct = default);
}
