using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Optimization;

/// <summary>Where a tuning run stands between outer steps: all a resumed run needs.</summary>
public sealed record TuningState(int Step, double[] Lambda, OptimizerState Optimizer, WarmStart? Warm)
{
    public static TuningState Start(double[] lambda) => new(0, (double[])lambda.Clone(), OptimizerState.Initial(lambda.Length), null);
}

/// <summary>
/// One outer step as it is recorded in a run's history: values at the λ before the update, and λ's
/// range. A run with few hyperparameters keeps that whole λ (<see cref="Lambda"/>), for trajectory plots.
/// </summary>
public sealed record StepRecord(
    int Step, double ValidationLoss, double TrainLoss, double HypergradientNorm, int CgIterations,
    int InnerIterations, double InnerGradNorm, double Seconds,
    double LambdaMin, double LambdaMean, double LambdaMax, double[]? Lambda, PhaseSeconds? Phases = null)
{
    /// <summary>Runs with at most this many hyperparameters record λ at every step.</summary>
    public const int TrajectoryLimit = 16;
}

/// <summary>
/// One hypergradient at λ with the given solves: computed in process over an objective, or asked of
/// a remote coordinator. The outer loop does not care which.
/// </summary>
public delegate ValueTask<HypergradientResult> HypergradientSource(SolverSettings solves, double[] lambda, WarmStart? warm,
    CancellationToken ct);

/// <summary>
/// One hypergradient at the λ of <c>step</c> held in slices where its rows are: each slice records its
/// part of dg/dλ (<see cref="LambdaSlice.WithGradient"/>) and the source returns their summary; the
/// result's own hypergradient is empty.
/// </summary>
public delegate ValueTask<(HypergradientResult Result, SliceSummary Slices)> HeldHypergradientSource(SolverSettings solves,
    int step, WarmStart? warm, CancellationToken ct);

/// <summary>The settings of the solves made at each outer step.</summary>
public sealed record SolverSettings(
    string Solver = "cg", double InnerTolerance = 1e-10, double SolverTolerance = 1e-10, int MaxCgIterations = 1000,
    bool Jacobi = false, int NeumannTerms = 100, double? NeumannAlpha = null, int MaxNewtonIterations = 100, double Damping = 0,
    bool Kronecker = false, bool ScheduledStep = false)
{
    public static readonly string[] SolverNames = ["cg", "neumann", "exact"];

    /// <summary>Newton iterations a network's trust-region solve may take from a cold start (it needs more than a convex one).</summary>
    public const int NetworkIterationFactor = 5;

    /// <summary>The solves for a convex objective (Newton-CG) or a network's (trust-region Newton-CG).</summary>
    public ImplicitHypergradient Build(double innerTolerance, double solverTolerance, bool convex = true) => new(
        convex
            ? new NewtonCg
            {
                Tolerance = innerTolerance, MaxIterations = MaxNewtonIterations, MaxCgIterations = MaxCgIterations, Kronecker = Kronecker,
                StopNearTolerance = ScheduledStep,
            }
            : new TrustRegionNewtonCg
            {
                Tolerance = innerTolerance, MaxIterations = MaxNewtonIterations * NetworkIterationFactor, MaxCgIterations = MaxCgIterations,
            },
        Solver switch
        {
            "cg" => new ConjugateGradient { Tolerance = solverTolerance, MaxIterations = MaxCgIterations, Jacobi = Jacobi, Kronecker = Kronecker },
            "neumann" => new NeumannSeries { Terms = NeumannTerms, Alpha = NeumannAlpha },
            "exact" => new DenseCholeskySolver(),
            _ => throw new ArgumentException($"unknown solver '{Solver}' (expected one of: {string.Join(", ", SolverNames)})"),
        },
        Damping);

    public ImplicitHypergradient Build(bool convex = true) => Build(InnerTolerance, SolverTolerance, convex);

    /// <summary>
    /// Why these settings cannot solve for θ of this dimension, or null: checked before any work, so
    /// that bad settings are reported as such and never confused with a failure inside a solve.
    /// </summary>
    /// <param name="features">p, which bounds the Gram matrix of <c>--kronecker</c>.</param>
    public string? Problem(int dimension, int features = 0)
    {
        if (!SolverNames.Contains(Solver)) return $"unknown solver '{Solver}' (expected one of: {string.Join(", ", SolverNames)})";
        if (!(InnerTolerance > 0 && SolverTolerance > 0)) return "tolerances must be positive";
        if (MaxCgIterations < 1 || NeumannTerms < 1 || MaxNewtonIterations < 1) return "iteration caps and Neumann terms must be at least 1";
        if (NeumannAlpha is { } alpha && !(alpha > 0)) return "the Neumann step α must be positive";
        if (Jacobi && Kronecker) return "--jacobi and --kronecker are two preconditioners: choose one";
        if (Kronecker && Solver != "cg") return $"--kronecker preconditions CG; --solver {Solver} does not use it (use --solver cg)";
        if (Kronecker && GramBasis.Problem(features) is { } tooWide) return tooWide;
        if (!(Damping >= 0) || double.IsInfinity(Damping)) return $"--damping must be positive, got {Damping}";
        if (Solver == "exact" && dimension > DenseCholeskySolver.DefaultMaxDimension)
            return $"--solver exact forms a dense {dimension}×{dimension} Hessian; its limit is {DenseCholeskySolver.DefaultMaxDimension} parameters (use --solver cg)";
        return null;
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

    public ValueTask<(TuningState Next, StepRecord Record, HypergradientResult Result)> Step(
        IBilevelObjective objective, TuningState state, CancellationToken ct = default) =>
        Step(InProcess(objective), state, ct);

    /// <summary>One step: the hypergradient at λ_k (with the tolerances of step k), then the optimizer's update.</summary>
    public async ValueTask<(TuningState Next, StepRecord Record, HypergradientResult Result)> Step(
        HypergradientSource hypergradientAt, TuningState state, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await hypergradientAt(SettingsAt(state.Step), state.Lambda, state.Warm, ct);
        if (!Vec.AllFinite(result.Hypergradient) || !double.IsFinite(result.ValidationLoss))
            throw new SolverException($"The hypergradient at step {state.Step} is not finite.");
        var (lambda, optimizerState) = Optimizer.Step(state.Lambda, result.Hypergradient, state.Optimizer);
        var record = Record(state.Step, result, clock, Vec.Norm(result.Hypergradient),
            state.Lambda.Min(), state.Lambda.Average(), state.Lambda.Max(),
            state.Lambda.Length <= StepRecord.TrajectoryLimit ? (double[])state.Lambda.Clone() : null);
        return (new TuningState(state.Step + 1, lambda, optimizerState, result.NextWarmStart), record, result);
    }

    /// <summary>
    /// One step of a λ held where its rows are (<see cref="LambdaSlice"/>): the source computes the
    /// hypergradient and has each slice record its part, so λ never passes through here; the step
    /// is recorded from the slices' summary. The state carries no λ, only the step and the warm start.
    /// </summary>
    public async ValueTask<(TuningState Next, StepRecord Record)> StepHeld(
        HeldHypergradientSource hypergradientAt, TuningState state, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (result, slices) = await hypergradientAt(SettingsAt(state.Step), state.Step, state.Warm, ct);
        if (!double.IsFinite(slices.GradientSquares) || !double.IsFinite(result.ValidationLoss))
            throw new SolverException($"The hypergradient at step {state.Step} is not finite.");
        var record = Record(state.Step, result, clock, slices.GradientNorm, slices.Min, slices.Mean, slices.Max, null);
        return (new TuningState(state.Step + 1, [], state.Optimizer with { Step = state.Step + 1 }, result.NextWarmStart), record);
    }

    private static StepRecord Record(int step, HypergradientResult result, System.Diagnostics.Stopwatch clock, double norm,
        double lambdaMin, double lambdaMean, double lambdaMax, double[]? lambda) =>
        new(step, result.ValidationLoss, result.TrainLoss, norm, result.Solve.Iterations, result.Inner.Iterations,
            result.Inner.GradientNorm, clock.Elapsed.TotalSeconds, lambdaMin, lambdaMean, lambdaMax, lambda, result.Phases);

    /// <summary>The final evaluation at λ, with the final (tightest) tolerances.</summary>
    public ValueTask<HypergradientResult> Evaluate(IBilevelObjective objective, TuningState state, CancellationToken ct = default) =>
        Evaluate(InProcess(objective), state, ct);

    public ValueTask<HypergradientResult> Evaluate(HypergradientSource hypergradientAt, TuningState state, CancellationToken ct = default) =>
        hypergradientAt(Settings, state.Lambda, state.Warm, ct);

    /// <summary>The solves of step k: the schedule's tolerances, tightening to the final ones.</summary>
    public SolverSettings SettingsAt(int step) => Settings with
    {
        InnerTolerance = Schedule.At(step, Settings.InnerTolerance),
        SolverTolerance = Schedule.At(step, Settings.SolverTolerance),
        ScheduledStep = Schedule.At(step, Settings.InnerTolerance) > Settings.InnerTolerance,
    };

    private static HypergradientSource InProcess(IBilevelObjective objective) =>
        (solves, lambda, warm, ct) => solves.Build(objective.Convex).Compute(objective, lambda, warm, ct);
}
