using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions.Surrogates;

/// <summary>A shard's <see cref="LambdaSlice"/> as it is persisted and sent: vectors as raw bytes.</summary>
[GenerateSerializer]
internal struct LambdaSliceSurrogate
{
    [Id(0)] public int Step;
    [Id(1)] public byte[] Lambda;
    [Id(2)] public int OptimizerStep;
    [Id(3)] public byte[] FirstMoment;
    [Id(4)] public byte[] SecondMoment;
    [Id(5)] public byte[]? Gradient;
}

[RegisterConverter]
internal sealed class LambdaSliceConverter : IConverter<LambdaSlice, LambdaSliceSurrogate>
{
    public LambdaSlice ConvertFromSurrogate(in LambdaSliceSurrogate s) => new(s.Step, Doubles.FromBytes(s.Lambda),
        new OptimizerState(s.OptimizerStep, Doubles.FromBytes(s.FirstMoment), Doubles.FromBytes(s.SecondMoment)),
        Doubles.FromBytesOrNull(s.Gradient));

    public LambdaSliceSurrogate ConvertToSurrogate(in LambdaSlice v) => new()
    {
        Step = v.Step,
        Lambda = Doubles.ToBytes(v.Lambda),
        OptimizerStep = v.Optimizer.Step,
        FirstMoment = Doubles.ToBytes(v.Optimizer.FirstMoment),
        SecondMoment = Doubles.ToBytes(v.Optimizer.SecondMoment),
        Gradient = Doubles.ToBytesOrNull(v.Gradient),
    };
}

[GenerateSerializer, Immutable]
internal struct SliceSummarySurrogate
{
    [Id(0)] public int Count;
    [Id(1)] public double Min;
    [Id(2)] public double Sum;
    [Id(3)] public double Max;
    [Id(4)] public double GradientSquares;
}

[RegisterConverter]
internal sealed class SliceSummaryConverter : IConverter<SliceSummary, SliceSummarySurrogate>
{
    public SliceSummary ConvertFromSurrogate(in SliceSummarySurrogate s) => new(s.Count, s.Min, s.Sum, s.Max, s.GradientSquares);

    public SliceSummarySurrogate ConvertToSurrogate(in SliceSummary v) =>
        new() { Count = v.Count, Min = v.Min, Sum = v.Sum, Max = v.Max, GradientSquares = v.GradientSquares };
}
