using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Cli;

/// <summary>
/// The machine-readable result of SPEC §5, fields in the order the SPEC lists: one hypergradient
/// (<c>hypergrad --json</c>), and for a run (<c>tune --json</c>, result.json) the same fields at the
/// final λ followed by the run's. A field that does not apply is null and left out: a run that
/// failed before its final evaluation has none of the hypergradient fields.
/// </summary>
public sealed record ResultJson
{
    public string? Model { get; init; }
    public string? Hyper { get; init; }
    public int? N { get; init; }
    public int? M { get; init; }
    public int? P { get; init; }
    public int? LambdaCount { get; init; }
    public int? ParameterCount { get; init; }
    public int[]? Hidden { get; init; }
    public string? Activation { get; init; }
    public double? ValidationLoss { get; init; }
    public double? TrainLoss { get; init; }
    public double? InnerGradNorm { get; init; }
    public double[]? Hypergradient { get; init; }
    public SolverJson? Solver { get; init; }

    /// <summary>δ when v solved (H + δI)v = ∇g (SPEC §7); absent for the plain solve.</summary>
    public double? Damping { get; init; }
    public int? Shards { get; init; }
    public double? Seconds { get; init; }

    /// <summary>Where the computation's time went (inner solve, linear solve, cross term), as measured where it ran.</summary>
    public PhaseSeconds? PhaseSeconds { get; init; }

    /// <summary>The final λ: its values (a <c>double[]</c>), or the path of lambda.txt when λ is large (a <c>string</c>).</summary>
    public object? Lambda { get; init; }
    public int? Steps { get; init; }
    public int? BestStep { get; init; }
    public string? Output { get; init; }
    public string? RunId { get; init; }
    public string? Status { get; init; }
    public string? Reason { get; init; }
    public TestJson? Test { get; init; }

    /// <summary>clean (SPEC §9): rows whose final weight is below <see cref="SuspectBelow"/>.</summary>
    public int? Suspects { get; init; }
    public double? SuspectBelow { get; init; }

    /// <summary>clean --truth: of the suspects, the share truly corrupted; of the corrupted, the share suspected; AUC of −weight.</summary>
    public double? Precision { get; init; }
    public double? Recall { get; init; }
    public double? Auc { get; init; }

    /// <summary>clean: the validation loss and the test metrics with every weight 1 (λ = 0), before cleaning.</summary>
    public double? InitialValidationLoss { get; init; }
    public TestJson? InitialTest { get; init; }
    public SettingsJson? Settings { get; init; }
}

public sealed record SolverJson(string Name, int Iterations, double Residual);

public sealed record TestJson(string Source, int Rows, double Loss, double? Accuracy, double? Rmse)
{
    public static TestJson Of(string source, EvaluationMetrics m) => new(source, m.Rows, m.Loss, m.Accuracy, m.Rmse);
}

public sealed record SettingsJson(
    string Optimizer, double OuterLr, string TolSchedule, string Solver, double Tol, string Train, string Val, bool Standardize,
    double LambdaNorm, double WallSeconds);

/// <summary>The console's rendering of one hypergradient: SPEC §5 JSON, warnings, and the human-readable form.</summary>
public static class HypergradientReport
{
    public static ResultJson Of(ProblemInfo info, ProblemSpec problem, SolverSettings solver, HypergradientReply reply,
        double[] hypergradient, double seconds) => new()
    {
        Model = info.Model,
        Hyper = info.Hyper,
        N = info.TrainRows,
        M = info.ValidationRows,
        P = info.Features,
        LambdaCount = info.HyperCount,
        ParameterCount = info.ParameterCount,
        Hidden = ModelKinds.Named(info.Model).Network ? ModelShape.ParseHidden(problem.Hidden) : null,
        Activation = ModelKinds.Named(info.Model).Network ? problem.Activation : null,
        Damping = solver.Damping > 0 ? solver.Damping : null,
        ValidationLoss = reply.ValidationLoss,
        TrainLoss = reply.TrainLoss,
        InnerGradNorm = reply.InnerGradNorm,
        Hypergradient = hypergradient,
        Solver = new SolverJson(reply.SolverName, reply.SolverIterations, reply.SolverResidual),
        Shards = info.Shards,
        Seconds = Math.Round(seconds, 6),
        PhaseSeconds = reply.Phases,
    };

    /// <summary>Warnings a user must see: an answer computed from an unconverged solve.</summary>
    public static IEnumerable<string> Warnings(HypergradientReply reply)
    {
        if (!reply.InnerConverged)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: the inner solve stopped at ‖∇θ f‖ = {reply.InnerGradNorm:E2} after {reply.InnerIterations} Newton iterations, above its tolerance: the hypergradient assumes ∇θ f = 0");
        if (reply.SolverOutcome == SolveOutcome.IterationCap)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: {reply.SolverName} stopped at its iteration cap ({reply.SolverIterations} iterations) with relative residual {reply.SolverResidual:E2}, above its tolerance (raise --max-cg-iter or loosen --tol)");
    }

    public static void WriteHuman(TextWriter output, ProblemInfo info, HypergradientReply reply, double[] g, double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{info.Model} / {info.Hyper}: n = {info.TrainRows}, m = {info.ValidationRows}, p = {info.Features}, |λ| = {g.Length}, shards = {info.Shards}"));
        output.WriteLine(string.Create(inv, $"validation loss  {reply.ValidationLoss:R}"));
        output.WriteLine(string.Create(inv, $"training loss    {reply.TrainLoss:R}"));
        output.WriteLine(string.Create(inv, $"inner ‖∇θ f‖     {reply.InnerGradNorm:E3} ({reply.InnerIterations} Newton iterations)"));
        output.WriteLine(string.Create(inv, $"solver           {reply.SolverName}: {reply.SolverIterations} iterations, residual {reply.SolverResidual:E3}"));
        output.WriteLine(string.Create(inv, $"‖dg/dλ‖          {Vec.Norm(g):E6}"));
        int shown = Math.Min(g.Length, 10);
        output.WriteLine("dg/dλ            [" + string.Join(", ", g.Take(shown).Select(x => x.ToString("G10", inv)))
                         + (g.Length > shown ? $", … {g.Length - shown} more]" : "]"));
        output.WriteLine(string.Create(inv, $"seconds          {seconds:F3}"));
    }

    public static string Summary(double[] x) =>
        x.Length == 0 ? "[]" : string.Create(CultureInfo.InvariantCulture,
            $"min {x.Min():G4}, mean {x.Average():G4}, max {x.Max():G4}, ‖·‖ {Vec.Norm(x):G4}");
}
