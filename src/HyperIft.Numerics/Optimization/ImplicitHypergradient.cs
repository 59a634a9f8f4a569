using System.Globalization;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Optimization;

/// <summary>Warm starts carried from one outer step to the next: a cache, never required.</summary>
public sealed record WarmStart(double[]? Theta, double[]? V);

/// <summary>A hypergradient and how it was found; <see cref="HessianProducts"/> counts every HVP (inner solve and linear solve).</summary>
public sealed record HypergradientResult(
    double[] Hypergradient,
    double ValidationLoss,
    double TrainLoss,
    InnerResult Inner,
    SolveResult Solve,
    double[] V,
    int HessianProducts,
    PhaseSeconds? Phases = null)
{
    public double[] Theta => Inner.Theta;
    public WarmStart NextWarmStart => new(Inner.Theta, V);
}

/// <summary>
/// dg/dλ by the implicit function theorem (SPEC §1): solve θ*(λ) tightly, then v = H⁻¹ ∇_θ g(θ*)
/// with the chosen solver, then dg/dλ = ∇_λ g − (∂²f/∂λ∂θ)ᵀ v, where ∇_λ g = 0 for every kind of SPEC §4.
/// With <paramref name="damping"/> δ > 0, v solves (H + δI)v = ∇_θ g instead (SPEC §7).
/// </summary>
public sealed class ImplicitHypergradient(IInnerSolver inner, ILinearSolver solver, double damping = 0)
{
    public IInnerSolver Inner { get; } = inner;
    public ILinearSolver Solver { get; } = solver;
    public double Damping { get; } = damping >= 0 ? damping : throw new ArgumentOutOfRangeException(nameof(damping), "damping must not be negative");

    /// <param name="crossTerm">(∂²f/∂λ∂θ)ᵀ v; by default the objective's. A λ held where its rows are
    /// (<see cref="LambdaSlice"/>) has it computed and kept there, and returns nothing here.</param>
    public async ValueTask<HypergradientResult> Compute(IBilevelObjective objective, double[] lambda,
        WarmStart? warm = null, CancellationToken ct = default, Func<double[], CancellationToken, ValueTask<double[]>>? crossTerm = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        InnerResult innerResult;
        using (var span = NumericsActivity.Source.StartActivity("hyperift.inner_solve"))
        {
            innerResult = await Inner.Minimize(objective, lambda, warm?.Theta, ct);
            span?.SetTag("newton.iterations", innerResult.Iterations);
            span?.SetTag("gradient.norm", innerResult.GradientNorm);
        }
        if (!double.IsFinite(innerResult.Loss) || !Vec.AllFinite(innerResult.Theta))
            throw NotFinite($"the training loss is not finite at this λ (f = {innerResult.Loss}", lambda);
        double inner = clock.Elapsed.TotalSeconds;
        var (validationLoss, validationGrad) = await objective.ValLossGrad(innerResult.Theta, ct);
        var hessian = new HessianOperator(objective);
        ILinearOperator system = Damping > 0 ? new DampedOperator(hessian, Damping) : hessian;
        SolveResult solve;
        using (var span = NumericsActivity.Source.StartActivity("hyperift.linear_solve"))
        {
            span?.SetTag("solver", Solver.Name);
            var answer = await Solver.Solve(system, validationGrad, warm?.V, ct);
            if (answer.Outcome == SolveOutcome.NegativeCurvature)
                throw new SolverException($"{answer.Detail} At θ* the implicit function theorem needs a positive definite Hessian"
                    + (Damping > 0 ? $"; --damping {Damping:G4} is not enough here." : "; --damping δ solves (H + δI)v = ∇g instead."));
            solve = answer.Usable();
            span?.SetTag("iterations", solve.Iterations);
            span?.SetTag("residual", solve.Residual);
        }
        double solved = clock.Elapsed.TotalSeconds;
        double[] hypergradient = crossTerm is null
            ? await objective.CrossTerm(solve.Solution, ct)
            : await crossTerm(solve.Solution, ct);
        Vec.Scale(-1.0, hypergradient);
        var phases = new PhaseSeconds(inner, solved - inner, clock.Elapsed.TotalSeconds - solved);
        if (!double.IsFinite(validationLoss) || !Vec.AllFinite(hypergradient))
            throw NotFinite($"the hypergradient is not finite at this λ (validation loss {validationLoss}", lambda);
        return new HypergradientResult(hypergradient, validationLoss, innerResult.Loss, innerResult, solve, solve.Solution,
            innerResult.HessianProducts + hessian.Products, phases);
    }

    /// <summary>A result that cannot be trusted because something overflowed: the one message every caller shows.</summary>
    /// <remarks>An empty λ is one held by the shards (<see cref="LambdaSlice"/>): its range is not here to show.</remarks>
    private static SolverException NotFinite(string what, double[] lambda)
    {
        string range = lambda.Length == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", λ from {lambda.Min():G4} to {lambda.Max():G4}");
        return new SolverException($"{what}{range}): λ is a log strength, and e^λ overflows above λ ≈ 709");
    }
}
