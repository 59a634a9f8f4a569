namespace HyperIft.Abstractions;

/// <summary>The outer loop of a run.</summary>
[GenerateSerializer, Immutable]
public sealed record OuterSpec(
    [property: Id(0)] int Steps,
    [property: Id(1)] string Optimizer,
    [property: Id(2)] double LearningRate,
    [property: Id(3)] string ToleranceSchedule);

/// <summary>Everything that defines a tuning run.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSpec(
    [property: Id(0)] ProblemSpec Problem,
    [property: Id(1)] SolverSpec Solver,
    [property: Id(2)] OuterSpec Outer);

public enum RunStatus { Created, Running, Paused, Completed, Failed, Cancelled }

/// <summary>
/// One outer step of a run's history (values at the λ before the update). A run with few
/// hyperparameters keeps the whole λ of each step (<see cref="Lambda"/>), for trajectory plots.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StepRecordMessage(
    [property: Id(0)] int Step,
    [property: Id(1)] double ValidationLoss,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double HypergradientNorm,
    [property: Id(4)] int CgIterations,
    [property: Id(5)] int NewtonIterations,
    [property: Id(6)] double InnerGradNorm,
    [property: Id(7)] double Seconds,
    [property: Id(8)] double LambdaMin,
    [property: Id(9)] double LambdaMean,
    [property: Id(10)] double LambdaMax,
    [property: Id(11)] double[]? Lambda)
{
    /// <summary>Runs with at most this many hyperparameters record λ at every step.</summary>
    public const int TrajectoryLimit = 16;
}

/// <summary>Where a run stands, for status and progress displays.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSnapshot(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunStatus Status,
    [property: Id(2)] string? Reason,
    [property: Id(3)] int Step,
    [property: Id(4)] int Steps,
    [property: Id(5)] ProblemInfo? Info,
    [property: Id(6)] IReadOnlyList<StepRecordMessage> History,
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
