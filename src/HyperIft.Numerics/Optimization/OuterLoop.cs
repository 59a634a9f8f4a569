using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Optimization;

/// <summary>Where a tuning run stands between outer steps: all a resumed run needs.</summary>
public sealed record TuningState(int Step, double[] Lambda, OptimizerState Optimizer, WarmStart? Warm)
{
    public static TuningState Start(double[] lambda) => new(0, (double[])lambda.Clone(), OptimizerState.Initial(lambda.Length), null);
}

/// <summary>One outer step as it is recorded in a run's history (values at the λ before the update).</summary>
public sealed record StepRecord(
    int Step, double ValidationLoss, double TrainLoss, double HypergradientNorm, int CgIterations,
    int InnerIterations, double InnerGradNorm, double Seconds);

/// <summary>The settings of the solves made at each outer step.</summary>
public sealed record SolverSettings(
    string Solver = "cg", double InnerTolerance = 1e-10, double SolverTolerance = 1e-10, int MaxCgIterations = 1000,
    bool Jacobi = false, int NeumannTerms = 100, double? NeumannAlpha = null, int MaxNewtonIterations = 100)
{
    public static readonly string[] SolverNames = ["cg", "neumann", "exact"];

    public ImplicitHypergradient Build(double innerTolerance, double solverTolerance) => new(
        new NewtonCg { Tolerance = innerTolerance, MaxIterations = MaxNewtonIterations, MaxCgIterations = MaxCgIterations },
        Solver switch
        {
            "cg" => new ConjugateGradient { Tolerance = solverTolerance, MaxIterations = MaxCgIterations, Jacobi = Jacobi },
            "neumann" => new NeumannSeries { Terms = NeumannTerms, Alpha = NeumannAlpha },
            "exact" => new DenseCholeskySolver(),
            _ => throw new ArgumentException($"unknown solver '{Solver}' (expected one of: {string.Join(", ", SolverNames)})"),
        });

    public ImplicitHypergradient Build() => Build(InnerTolerance, SolverTolerance);

    /// <summary>Refuses, before any work, a solver that cannot handle θ of this dimension (the dense exact solve).</summary>
    public void CheckDimension(int dimension)
    {
        if (Solver == "exact" && dimension > DenseCholeskySolver.DefaultMaxDimension)
            throw new ArgumentException(
                $"--solver exact forms a dense {dimension}×{dimension} Hessian; its limit is {DenseCholeskySolver.DefaultMaxDimension} parameters (use --solver cg)");
    }
}

/// <summary>
/// The outer loop: λ_{k+1} = optimizer(λ_k, dg/dλ(λ_k)). One step is a pure function of the
/// <see cref="TuningState"/>, so a tuner may persist the state between steps and resume anywhere.
/// </summary>
public sealed class OuterLoop(SolverSettings settings, IOuterOptimizer optimizer, ToleranceSchedule schedule)
{
    public SolverSettings Settings { get; } = settings;
    public IOuterOptimizer Optimizer { get; } = optimizer;
    public ToleranceSchedule Schedule { get; } = schedule;

    public async ValueTask<(TuningState Next, StepRecord Record, HypergradientResult Result)> Step(
        IBilevelObjective objective, TuningState state, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var hypergradient = HypergradientAt(state.Step);
        var result = await hypergradient.Compute(objective, state.Lambda, state.Warm, ct);
        if (!Vec.AllFinite(result.Hypergradient))
            throw new SolverException($"The hypergradient at step {state.Step} is not finite.");
        var (lambda, optimizerState) = Optimizer.Step(state.Lambda, result.Hypergradient, state.Optimizer);
        var record = new StepRecord(state.Step, result.ValidationLoss, result.TrainLoss, Vec.Norm(result.Hypergradient),
            result.Solve.Iterations, result.Inner.Iterations, result.Inner.GradientNorm, clock.Elapsed.TotalSeconds);
        return (new TuningState(state.Step + 1, lambda, optimizerState, result.NextWarmStart), record, result);
    }

    /// <summary>The final evaluation at λ, with the final (tightest) tolerances.</summary>
    public ValueTask<HypergradientResult> Evaluate(IBilevelObjective objective, TuningState state, CancellationToken ct = default) =>
        Settings.Build().Compute(objective, state.Lambda, state.Warm, ct);

    private ImplicitHypergradient HypergradientAt(int step) =>
        Settings.Build(Schedule.At(step, Settings.InnerTolerance), Schedule.At(step, Settings.SolverTolerance));
}
