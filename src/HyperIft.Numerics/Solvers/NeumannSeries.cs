namespace HyperIft.Numerics.Solvers;

/// <summary>
/// Truncated Neumann series (Lorraine, Vicol &amp; Duvenaud 2020): A⁻¹b ≈ α Σ_{k=0}^{K−1} (I − αA)^k b,
/// which is exactly what K steps of gradient descent with step α, differentiated in reverse mode
/// from the optimum, compute. Converges when 0 &lt; α &lt; 2/λ_max(A); with no α given, λ_max is
/// estimated by power iteration and α = 1/(1.1·λ_max).
/// </summary>
public sealed class NeumannSeries : ILinearSolver
{
    public string Name => "neumann";

    /// <summary>K, the number of terms (equal to the number of unrolled steps).</summary>
    public int Terms { get; init; } = 100;

    public double? Alpha { get; init; }

    public int PowerIterations { get; init; } = 30;

    public async ValueTask<SolveResult> Solve(ILinearOperator a, double[] b, double[]? initialGuess = null,
        CancellationToken ct = default)
    {
        double alpha = Alpha ?? 1.0 / (1.1 * await PowerIteration.LargestEigenvalue(a, PowerIterations, ct));
        if (!(alpha > 0)) throw new SolverException($"Neumann step α = {alpha:G4} must be positive.");

        var term = (double[])b.Clone();  // (I − αA)^k b
        var sum = new double[b.Length];
        for (int k = 0; k < Terms; k++)
        {
            ct.ThrowIfCancellationRequested();
            Vec.Add(term, sum);
            if (k == Terms - 1) break;
            var aTerm = await a.Apply(term, ct);
            Vec.Axpy(-alpha, aTerm, term);
        }
        Vec.Scale(alpha, sum);

        double bNorm = Vec.Norm(b);
        double residual = bNorm == 0 ? 0 : Vec.Norm(await ConjugateGradient.Residual(a, b, sum, ct)) / bNorm;
        return new SolveResult(Name, sum, Terms, residual, SolveResult.ByResidual(residual, true),
            double.IsFinite(residual) ? null : $"the Neumann series diverged (residual {residual}): α is too large for this Hessian");
    }
}
