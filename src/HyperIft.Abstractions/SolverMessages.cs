namespace HyperIft.Abstractions;

/// <summary>How each hypergradient is solved (mirrors HyperIft.Numerics.Optimization.SolverSettings).</summary>
[GenerateSerializer, Immutable]
public sealed record SolverSpec(
    [property: Id(0)] string Solver,
    [property: Id(1)] double InnerTolerance,
    [property: Id(2)] double SolverTolerance,
    [property: Id(3)] int MaxCgIterations,
    [property: Id(4)] bool Jacobi,
    [property: Id(5)] int NeumannTerms,
    [property: Id(6)] double? NeumannAlpha,
    [property: Id(7)] int MaxNewtonIterations);

/// <summary>A shard's sums of loss and gradient.</summary>
[GenerateSerializer, Immutable]
public sealed record LossGradMessage([property: Id(0)] double Loss, [property: Id(1)] Vector Gradient);

/// <summary>One hypergradient at λ, optionally warm-started.</summary>
[GenerateSerializer, Immutable]
public sealed record HypergradientRequest(
    [property: Id(0)] Vector Lambda,
    [property: Id(1)] SolverSpec Solver,
    [property: Id(2)] Vector? WarmTheta,
    [property: Id(3)] Vector? WarmV);

/// <summary>The answer of <see cref="ICoordinatorGrain.Hypergradient"/>: the SPEC §5 fields, and θ*, v for warm starts.</summary>
[GenerateSerializer, Immutable]
public sealed record HypergradientReply(
    [property: Id(0)] Vector Hypergradient,
    [property: Id(1)] double ValidationLoss,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double InnerGradNorm,
    [property: Id(4)] int InnerIterations,
    [property: Id(5)] bool InnerConverged,
    [property: Id(6)] string SolverName,
    [property: Id(7)] int SolverIterations,
    [property: Id(8)] double SolverResidual,
    [property: Id(9)] bool SolverConverged,
    [property: Id(10)] Vector Theta,
    [property: Id(11)] Vector V,
    [property: Id(12)] double Seconds,
    [property: Id(13)] int HessianProducts);
