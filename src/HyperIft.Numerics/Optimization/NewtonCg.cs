using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Optimization;

/// <summary>The inner optimum θ*(λ) and how it was reached.</summary>
public sealed record InnerResult(
    double[] Theta, double Loss, double GradientNorm, int Iterations, int HessianProducts, bool Converged);

/// <summary>
/// Truncated Newton (Nocedal &amp; Wright §7.1): each step solves H d = −∇f by CG to the forcing
/// tolerance min(½, √‖∇f‖)·‖∇f‖ (superlinear convergence), then backtracks on the Armijo condition.
/// Stops at ‖∇_θ f‖₂ ≤ <see cref="Tolerance"/>. For convex f (the linear models); a network's
/// inner problem goes to <see cref="TrustRegionNewtonCg"/>.
/// </summary>
public sealed class NewtonCg : IInnerSolver
{
    public double Tolerance { get; init; } = 1e-10;
    public int MaxIterations { get; init; } = 100;
    public int MaxCgIterations { get; init; } = 1000;

    /// <summary>
    /// Solve to the tolerance, not past it: for an early step of a tolerance schedule (HOAG), whose loose tolerance
    /// the superlinear forcing would overshoot by orders of magnitude. Off, the last Newton step lands well below a
    /// tight tolerance, so that θ* hardly depends on where the solve started (a warm and a cold start agree to ~1e-13).
    /// </summary>
    public bool StopNearTolerance { get; init; }

    /// <summary>Precondition the Newton systems' CG by the Hessian's Kronecker factors (linear models).</summary>
    public bool Kronecker { get; init; }

    private const double Armijo = 1e-4;
    private const int MaxBacktracks = 60;

    public async ValueTask<InnerResult> Minimize(IBilevelObjective objective, double[] lambda, double[]? initialTheta = null,
        CancellationToken ct = default)
    {
        var theta = (double[])(initialTheta ?? objective.InitialTheta).Clone();
        var (loss, grad) = await objective.TrainLossGrad(theta, lambda, ct);
        var hessian = new HessianOperator(objective);
        double gradNorm = Vec.Norm(grad);
        int iteration = 0;
        while (gradNorm > Tolerance && iteration < MaxIterations)
        {
            ct.ThrowIfCancellationRequested();
            if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
                throw new SolverException($"The training loss is not finite (f = {loss}, ‖∇f‖ = {gradNorm}) at Newton iteration {iteration}.");
            iteration++;

            var negGrad = (double[])grad.Clone();
            Vec.Scale(-1.0, negGrad);
            var cg = new ConjugateGradient
            {
                Tolerance = Forcing(gradNorm),
                MaxIterations = MaxCgIterations,
                VerifyResidual = false,
                Kronecker = Kronecker,
            };
            var direction = (await cg.Solve(hessian, negGrad, null, ct)).Usable().Solution;
            double slope = Vec.Dot(grad, direction);
            if (!(slope < 0)) // cannot happen with H ≻ 0, but never step uphill
            {
                direction = negGrad;
                slope = -gradNorm * gradNorm;
            }

            var accepted = await LineSearch(objective, lambda, theta, loss, gradNorm, direction, slope, ct);
            if (accepted is null)
            {
                // No decrease is possible at this precision: restore the point and stop.
                (loss, grad) = await objective.TrainLossGrad(theta, lambda, ct);
                gradNorm = Vec.Norm(grad);
                break;
            }
            (theta, loss, grad) = accepted.Value;
            gradNorm = Vec.Norm(grad);
        }
        return new InnerResult(theta, loss, gradNorm, iteration, hessian.Products, gradNorm <= Tolerance);
    }

    /// <summary>
    /// CG's relative tolerance for the Newton step at ‖∇f‖ = <paramref name="gradNorm"/>: √‖∇f‖ (superlinear); with
    /// <see cref="StopNearTolerance"/>, never tighter than what takes ‖∇f‖ to <see cref="TargetMargin"/> of the tolerance.
    /// </summary>
    public double Forcing(double gradNorm)
    {
        double superlinear = Math.Min(0.5, Math.Sqrt(gradNorm));
        return StopNearTolerance ? Math.Max(superlinear, TargetMargin * Tolerance / gradNorm) : superlinear;
    }

    /// <summary>The last Newton step aims at this fraction of the tolerance (its model is only quadratic).</summary>
    private const double TargetMargin = 0.5;

    private static async ValueTask<(double[] Theta, double Loss, double[] Grad)?> LineSearch(IBilevelObjective objective,
        double[] lambda, double[] theta, double loss, double gradNorm, double[] direction, double slope, CancellationToken ct)
    {
        double step = 1.0;
        for (int i = 0; i < MaxBacktracks; i++, step *= 0.5)
        {
            var trial = (double[])theta.Clone();
            Vec.Axpy(step, direction, trial);
            var (trialLoss, trialGrad) = await objective.TrainLossGrad(trial, lambda, ct);
            if (!double.IsFinite(trialLoss)) continue;
            bool sufficient = trialLoss <= loss + Armijo * step * slope;
            // Near the optimum f changes below its rounding; then a smaller gradient is the only signal.
            bool belowRounding = Math.Abs(trialLoss - loss) <= 1e-13 * Math.Max(1.0, Math.Abs(loss))
                                 && Vec.Norm(trialGrad) < gradNorm;
            if (sufficient || belowRounding) return (trial, trialLoss, trialGrad);
        }
        return null;
    }
}
