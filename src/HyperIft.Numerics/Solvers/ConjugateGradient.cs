namespace HyperIft.Numerics.Solvers;

/// <summary>One CG iterate, reported to an observer (telemetry, tests).</summary>
public readonly record struct CgIteration(int Iteration, double[] X, double RelativeResidual);

/// <summary>
/// Preconditioned conjugate gradient (Hestenes–Stiefel; Nocedal &amp; Wright Alg. 5.3).
/// Stops when ‖r‖ ≤ tol·‖b‖ on the recursive residual; the reported residual is then recomputed
/// (unless <see cref="VerifyResidual"/> is off).
/// A direction with pᵀAp ≤ 0 means A is not positive definite: the result says so
/// (<see cref="SolveOutcome.NegativeCurvature"/>) and <see cref="SolveResult.Usable"/> refuses it.
/// </summary>
public sealed class ConjugateGradient : ILinearSolver
{
    public string Name => "cg";
    public double Tolerance { get; init; } = 1e-10;
    public int MaxIterations { get; init; } = 1000;
    public bool Jacobi { get; init; }

    /// <summary>Precondition by the Kronecker factors of a linear model's Hessian (<see cref="KroneckerPreconditioner"/>).</summary>
    public bool Kronecker { get; init; }
    public Action<CgIteration>? OnIteration { get; init; }

    /// <summary>A non-positive pᵀAp smaller than this times ‖A‖·‖p‖² (‖A‖ from the Rayleigh quotients seen) is rounding.</summary>
    private const double RoundingCurvature = 1e-12;

    /// <summary>Recompute ‖b − Ax‖ at the end (one more product). Newton steps, which need no certificate, skip it.</summary>
    public bool VerifyResidual { get; init; } = true;

    public async ValueTask<SolveResult> Solve(ILinearOperator a, double[] b, double[]? initialGuess = null,
        CancellationToken ct = default)
    {
        int n = a.Dimension;
        if (b.Length != n) throw new ArgumentException($"b has {b.Length} entries, the operator {n}.");
        double bNorm = Vec.Norm(b);
        if (bNorm == 0) return new SolveResult(Name, new double[n], 0, 0, SolveOutcome.Converged);

        var x = initialGuess is null ? new double[n] : (double[])initialGuess.Clone();
        double[] r = initialGuess is null || Vec.Norm(x) == 0 ? (double[])b.Clone() : await Residual(a, b, x, ct);
        var precondition = await Preconditioner(a, ct);

        var z = precondition(r);
        var p = (double[])z.Clone();
        double rz = Vec.Dot(r, z);
        int k = 0;
        double rel = Vec.Norm(r) / bNorm;
        double largestRayleigh = 0; // the largest pᵀAp/pᵀp seen: the scale a curvature is judged against
        while (rel > Tolerance && k < MaxIterations)
        {
            if (ct.IsCancellationRequested) return new SolveResult(Name, x, k, rel, SolveOutcome.Cancelled);
            var ap = await a.Apply(p, ct);
            double curvature = Vec.Dot(p, ap);
            double pp = Vec.Dot(p, p);
            if (!(curvature > 0))
            {
                // Rounding alone gives |pᵀAp| ≈ ε·‖A‖·‖p‖² once CG has lost orthogonality (hundreds of
                // iterations on an ill-conditioned A): that is the end of the attainable accuracy, not an
                // indefinite A, so the iterate so far is returned and judged by its residual.
                if (double.IsFinite(curvature) && -curvature <= RoundingCurvature * largestRayleigh * pp) break;
                return new SolveResult(Name, x, k, rel, SolveOutcome.NegativeCurvature,
                    $"CG found pᵀHp = {curvature:G4} ≤ 0 at iteration {k + 1}: the Hessian is not positive definite here.");
            }
            largestRayleigh = Math.Max(largestRayleigh, curvature / pp);
            double alpha = rz / curvature;
            Vec.Axpy(alpha, p, x);
            Vec.Axpy(-alpha, ap, r);
            k++;
            rel = Vec.Norm(r) / bNorm;
            OnIteration?.Invoke(new CgIteration(k, x, rel));
            if (rel <= Tolerance) break;

            z = precondition(r);
            double rzNext = Vec.Dot(r, z);
            Vec.Aypx(rzNext / rz, z, p); // p ← z + β p
            rz = rzNext;
        }

        // With no iteration, r is still the residual computed directly from b and x0.
        double trueResidual = k == 0 || !VerifyResidual ? rel : Vec.Norm(await Residual(a, b, x, ct)) / bNorm;
        var outcome = SolveResult.ByResidual(trueResidual, rel <= Tolerance);
        return new SolveResult(Name, x, k, trueResidual, outcome,
            outcome == SolveOutcome.Diverged ? $"CG's residual is not finite ({trueResidual}) after {k} iterations: the Hessian or the right-hand side has a non-finite entry" : null);
    }

    /// <summary>b − A x.</summary>
    internal static async ValueTask<double[]> Residual(ILinearOperator a, double[] b, double[] x, CancellationToken ct)
    {
        var ax = await a.Apply(x, ct);
        return Vec.Subtract(b, ax);
    }

    /// <summary>z = M⁻¹ r for the preconditioner asked for (none: z = r).</summary>
    private async ValueTask<Func<double[], double[]>> Preconditioner(ILinearOperator a, CancellationToken ct)
    {
        if (Jacobi && Kronecker) throw new SolverException("choose one preconditioner: Jacobi or Kronecker");
        if (Kronecker) return (await a.Kronecker(0, ct)).Apply;
        if (!Jacobi) return r => (double[])r.Clone();
        var inverseDiagonal = InverseDiagonal(await a.Diagonal(ct));
        return r =>
        {
            var z = new double[r.Length];
            for (int i = 0; i < r.Length; i++) z[i] = r[i] * inverseDiagonal[i];
            return z;
        };
    }

    private static double[] InverseDiagonal(double[] diagonal)
    {
        var inv = new double[diagonal.Length];
        for (int i = 0; i < diagonal.Length; i++)
        {
            if (!(diagonal[i] > 0))
                throw new SolverException($"Jacobi preconditioner: diagonal entry {i} is {diagonal[i]:G4}, not positive.");
            inv[i] = 1.0 / diagonal[i];
        }
        return inv;
    }
}
