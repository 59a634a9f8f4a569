using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Optimization;

/// <summary>
/// Trust-region Newton-CG (Steihaug 1983; Nocedal &amp; Wright Alg. 4.1 with 7.2) for a non-convex f:
/// each step minimizes the quadratic model within ‖p‖ ≤ Δ by CG, which stops at the boundary when it
/// leaves the region or meets negative curvature, so the step is a descent step wherever H is
/// indefinite. Δ follows the ratio of actual to predicted decrease. Stops at ‖∇_θ f‖₂ ≤
/// <see cref="Tolerance"/>; θ* is the local minimum reached from the start.
/// </summary>
public sealed class TrustRegionNewtonCg : IInnerSolver
{
    public double Tolerance { get; init; } = 1e-10;
    public int MaxIterations { get; init; } = 500;
    public int MaxCgIterations { get; init; } = 1000;

    /// <summary>The first radius; it grows by doubling, so a small start costs a few steps at most.</summary>
    public double InitialRadius { get; init; } = 1.0;

    private const double MaxRadius = 1e8;

    public async ValueTask<InnerResult> Minimize(IBilevelObjective objective, double[] lambda, double[]? initialTheta = null,
        CancellationToken ct = default)
    {
        var theta = (double[])(initialTheta ?? objective.InitialTheta).Clone();
        var (loss, grad) = await objective.TrainLossGrad(theta, lambda, ct);
        var hessian = new HessianOperator(objective);
        double gradNorm = Vec.Norm(grad);
        double radius = InitialRadius;
        int iteration = 0;
        while (gradNorm > Tolerance && iteration < MaxIterations)
        {
            ct.ThrowIfCancellationRequested();
            if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
                throw new SolverException($"The training loss is not finite (f = {loss}, ‖∇f‖ = {gradNorm}) at trust-region iteration {iteration}.");
            iteration++;

            // Superlinear forcing, as in NewtonCg: CG to ‖r‖ ≤ min(½, √‖g‖)·‖g‖.
            var (step, predicted, onBoundary) = await Steihaug(hessian, grad, radius, Math.Min(0.5, Math.Sqrt(gradNorm)) * gradNorm, ct);
            double stepNorm = Vec.Norm(step);
            var trial = (double[])theta.Clone();
            Vec.Add(step, trial);
            var (trialLoss, trialGrad) = await objective.TrainLossGrad(trial, lambda, ct);
            double trialNorm = Vec.Norm(trialGrad);
            double actual = loss - trialLoss;
            double rho = predicted > 0 ? actual / predicted : double.NegativeInfinity;
            // Near θ* the decrease is below f's rounding: then a smaller gradient is the only signal.
            bool belowRounding = double.IsFinite(trialLoss)
                                 && Math.Abs(actual) <= 1e-13 * Math.Max(1.0, Math.Abs(loss)) && trialNorm < gradNorm;

            if (!double.IsFinite(trialLoss) || rho < 0.25) radius = 0.25 * Math.Min(radius, stepNorm);
            else if (rho > 0.75 && onBoundary) radius = Math.Min(2.0 * radius, MaxRadius);

            if (double.IsFinite(trialLoss) && (rho > 1e-4 || belowRounding))
            {
                (theta, loss, grad, gradNorm) = (trial, trialLoss, trialGrad, trialNorm);
            }
            else
            {
                (loss, grad) = await objective.TrainLossGrad(theta, lambda, ct); // back to θ for the next products
                if (radius < 1e-14 * Math.Max(1.0, Vec.Norm(theta))) break; // no step can decrease f at this precision
            }
        }
        return new InnerResult(theta, loss, gradNorm, iteration, hessian.Products, gradNorm <= Tolerance);
    }

    /// <summary>
    /// Approximately minimizes m(p) = gᵀp + ½pᵀHp over ‖p‖ ≤ Δ (Steihaug-CG). Returns the step, the
    /// predicted decrease −m(p) (exact: H p is accumulated from the products CG already made) and
    /// whether the step ended on the boundary.
    /// </summary>
    private async ValueTask<(double[] Step, double Predicted, bool OnBoundary)> Steihaug(ILinearOperator h, double[] g,
        double radius, double tolerance, CancellationToken ct)
    {
        int n = g.Length;
        var z = new double[n];
        var hz = new double[n];
        var r = (double[])g.Clone(); // r = Hz + g
        var d = (double[])g.Clone();
        Vec.Scale(-1.0, d);
        double rr = Vec.Dot(r, r);
        for (int j = 0; j < MaxCgIterations; j++)
        {
            var hd = await h.Apply(d, ct);
            double curvature = Vec.Dot(d, hd);
            if (!(curvature > 0))
                return Boundary(z, hz, d, hd, g, radius);
            double alpha = rr / curvature;
            var next = (double[])z.Clone();
            Vec.Axpy(alpha, d, next);
            if (Vec.Norm(next) >= radius)
                return Boundary(z, hz, d, hd, g, radius);
            z = next;
            Vec.Axpy(alpha, hd, hz);
            Vec.Axpy(alpha, hd, r);
            double rrNext = Vec.Dot(r, r);
            if (Math.Sqrt(rrNext) <= tolerance) break;
            Vec.Aypx(rrNext / rr, Negated(r), d); // d ← −r + β d
            rr = rrNext;
        }
        return (z, Decrease(z, hz, g), false);
    }

    /// <summary>z + τd with τ ≥ 0 and ‖z + τd‖ = Δ.</summary>
    private static (double[] Step, double Predicted, bool OnBoundary) Boundary(double[] z, double[] hz, double[] d, double[] hd,
        double[] g, double radius)
    {
        double dd = Vec.Dot(d, d), zd = Vec.Dot(z, d), zz = Vec.Dot(z, z);
        double tau = (-zd + Math.Sqrt(zd * zd + dd * (radius * radius - zz))) / dd;
        var p = (double[])z.Clone();
        Vec.Axpy(tau, d, p);
        var hp = (double[])hz.Clone();
        Vec.Axpy(tau, hd, hp);
        return (p, Decrease(p, hp, g), true);
    }

    /// <summary>−m(p) = −(gᵀp + ½ pᵀHp).</summary>
    private static double Decrease(double[] p, double[] hp, double[] g) => -(Vec.Dot(g, p) + 0.5 * Vec.Dot(p, hp));

    private static double[] Negated(double[] x)
    {
        var y = (double[])x.Clone();
        Vec.Scale(-1.0, y);
        return y;
    }
}
