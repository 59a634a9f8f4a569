using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Abstractions;

/// <summary>
/// The step of a λ held by the training shards (one entry per row, <see cref="LambdaSlice"/>) that
/// the products must use, and the run's optimizer, which moves a slice from one step to the next.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HeldLambdaStep(
    [property: Id(0)] int Step,
    [property: Id(1)] string Optimizer,
    [property: Id(2)] double LearningRate)
{
    public IOuterOptimizer CreateOptimizer() => OuterOptimizerFactory.Create(Optimizer, LearningRate);
}

/// <summary>One outer step of a held λ: the hypergradient at step <see cref="HeldLambdaStep.Step"/>, recorded by the shards.</summary>
[GenerateSerializer, Immutable]
public sealed record HeldStepRequest(
    [property: Id(0)] HeldLambdaStep At,
    [property: Id(1)] SolverSettings Solver,
    [property: Id(2)] Vector? WarmTheta,
    [property: Id(3)] Vector? WarmV);

/// <summary>A held step's answer: the hypergradient's reply without dg/dλ (it stayed on the shards), and the slices' summary.</summary>
[GenerateSerializer, Immutable]
public sealed record HeldStepReply(
    [property: Id(0)] HypergradientReply Reply,
    [property: Id(1)] SliceSummary Slices);
