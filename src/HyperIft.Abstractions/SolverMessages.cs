using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Abstractions;

/// <summary>A shard's sums of loss and gradient.</summary>
[GenerateSerializer, Immutable]
public sealed record LossGradMessage([property: Id(0)] double Loss, [property: Id(1)] Vector Gradient);

/// <summary>One hypergradient at λ, optionally warm-started.</summary>
[GenerateSerializer, Immutable]
public sealed record HypergradientRequest(
    [property: Id(0)] Vector Lambda,
    [property: Id(1)] SolverSettings Solver,
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
    [property: Id(9)] SolveOutcome SolverOutcome,
    [property: Id(10)] Vector Theta,
    [property: Id(11)] Vector V,
    [property: Id(12)] double Seconds,
    [property: Id(13)] int HessianProducts,
    [property: Id(14)] int InnerHessianProducts,
    [property: Id(15)] PhaseSeconds? Phases = null)
{
    /// <summary>The library's result, its vectors fetched from <paramref name="source"/> (in chunks where they are large).</summary>
    public async Task<HypergradientResult> Fetch(IVectorPeer source)
    {
        var hypergradient = await VectorTransfer.Fetch(source, Hypergradient);
        var theta = await VectorTransfer.Fetch(source, Theta);
        var v = await VectorTransfer.Fetch(source, V);
        return new HypergradientResult(hypergradient, ValidationLoss, TrainLoss,
            new InnerResult(theta, TrainLoss, InnerGradNorm, InnerIterations, InnerHessianProducts, InnerConverged),
            new SolveResult(SolverName, v, SolverIterations, SolverResidual, SolverOutcome), v, HessianProducts, Phases);
    }
}
