using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions.Surrogates;

/// <summary>A run's <see cref="TuningState"/> as it is persisted: λ, optimizer moments and warm starts as raw bytes.</summary>
[GenerateSerializer]
internal struct TuningStateSurrogate
{
    [Id(0)] public int Step;
    [Id(1)] public byte[] Lambda;
    [Id(2)] public int OptimizerStep;
    [Id(3)] public byte[] FirstMoment;
    [Id(4)] public byte[] SecondMoment;
    [Id(5)] public byte[]? WarmTheta;
    [Id(6)] public byte[]? WarmV;
}

[RegisterConverter]
internal sealed class TuningStateConverter : IConverter<TuningState, TuningStateSurrogate>
{
    public TuningState ConvertFromSurrogate(in TuningStateSurrogate s) => new(
        s.Step, Doubles.FromBytes(s.Lambda),
        new OptimizerState(s.OptimizerStep, Doubles.FromBytes(s.FirstMoment), Doubles.FromBytes(s.SecondMoment)),
        s.WarmTheta is null && s.WarmV is null ? null : new WarmStart(Doubles.FromBytesOrNull(s.WarmTheta), Doubles.FromBytesOrNull(s.WarmV)));

    public TuningStateSurrogate ConvertToSurrogate(in TuningState v) => new()
    {
        Step = v.Step,
        Lambda = Doubles.ToBytes(v.Lambda),
        OptimizerStep = v.Optimizer.Step,
        FirstMoment = Doubles.ToBytes(v.Optimizer.FirstMoment),
        SecondMoment = Doubles.ToBytes(v.Optimizer.SecondMoment),
        WarmTheta = Doubles.ToBytesOrNull(v.Warm?.Theta),
        WarmV = Doubles.ToBytesOrNull(v.Warm?.V),
    };
}
