using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions;

/// <summary>The outer loop of a run.</summary>
[GenerateSerializer, Immutable]
public sealed record OuterSpec(
    [property: Id(0)] int Steps,
    [property: Id(1)] string Optimizer,
    [property: Id(2)] double LearningRate,
    [property: Id(3)] string ToleranceSchedule)
{
    /// <summary>Why this outer loop cannot run, or null.</summary>
    public string? Problem() =>
        Steps < 1 ? "steps must be at least 1"
        : !OuterOptimizerFactory.Names.Contains(Optimizer) ? $"unknown optimizer '{Optimizer}' (expected one of: {string.Join(", ", OuterOptimizerFactory.Names)})"
        : !(LearningRate > 0) ? "the outer learning rate must be positive"
        : !Numerics.Optimization.ToleranceSchedule.Names.Contains(ToleranceSchedule) ? $"unknown tolerance schedule '{ToleranceSchedule}' (expected one of: {string.Join(", ", Numerics.Optimization.ToleranceSchedule.Names)})"
        : null;
}

/// <summary>Everything that defines a tuning run.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSpec(
    [property: Id(0)] ProblemSpec Problem,
    [property: Id(1)] SolverSettings Solver,
    [property: Id(2)] OuterSpec Outer)
{
    /// <summary>The library's outer loop for this run: the one place a step is defined.</summary>
    public OuterLoop Loop() => new(Solver, OuterOptimizerFactory.Create(Outer.Optimizer, Outer.LearningRate),
        ToleranceSchedule.Named(Outer.ToleranceSchedule));
}

public enum RunStatus { Created, Running, Paused, Completed, Failed, Cancelled }

/// <summary>Where a run stands, for status and progress displays.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunStatus Status,
    [property: Id(2)] string? Reason,
    [property: Id(3)] int Step,
    [property: Id(4)] int Steps,
    [property: Id(5)] ProblemInfo? Info,
    [property: Id(6)] IReadOnlyList<StepRecord> History,
    [property: Id(7)] string Silo,
    [property: Id(8)] int Recoveries);

/// <summary>
/// What the run registry remembers of a run, updated by its tuner at every change of status, so
/// that listing runs reads one grain instead of waking every run ever started.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunSummary(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunStatus Status,
    [property: Id(2)] string? Reason,
    [property: Id(3)] int Step,
    [property: Id(4)] int Steps,
    [property: Id(5)] string? Model,
    [property: Id(6)] string? Hyper,
    [property: Id(7)] int HyperCount,
    [property: Id(8)] string Silo,
    [property: Id(9)] DateTime UpdatedUtc);
