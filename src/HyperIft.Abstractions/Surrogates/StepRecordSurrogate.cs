using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions.Surrogates;

[GenerateSerializer, Immutable]
internal struct StepRecordSurrogate
{
    [Id(0)] public int Step;
    [Id(1)] public double ValidationLoss;
    [Id(2)] public double TrainLoss;
    [Id(3)] public double HypergradientNorm;
    [Id(4)] public int CgIterations;
    [Id(5)] public int InnerIterations;
    [Id(6)] public double InnerGradNorm;
    [Id(7)] public double Seconds;
    [Id(8)] public double LambdaMin;
    [Id(9)] public double LambdaMean;
    [Id(10)] public double LambdaMax;
    [Id(11)] public byte[]? Lambda;
    [Id(12)] public PhaseSeconds? Phases;
}

[RegisterConverter]
internal sealed class StepRecordConverter : IConverter<StepRecord, StepRecordSurrogate>
{
    public StepRecord ConvertFromSurrogate(in StepRecordSurrogate s) =>
        new(s.Step, s.ValidationLoss, s.TrainLoss, s.HypergradientNorm, s.CgIterations, s.InnerIterations, s.InnerGradNorm,
            s.Seconds, s.LambdaMin, s.LambdaMean, s.LambdaMax, Doubles.FromBytesOrNull(s.Lambda), s.Phases);

    public StepRecordSurrogate ConvertToSurrogate(in StepRecord v) => new()
    {
        Step = v.Step, ValidationLoss = v.ValidationLoss, TrainLoss = v.TrainLoss, HypergradientNorm = v.HypergradientNorm,
        CgIterations = v.CgIterations, InnerIterations = v.InnerIterations, InnerGradNorm = v.InnerGradNorm, Seconds = v.Seconds,
        LambdaMin = v.LambdaMin, LambdaMean = v.LambdaMean, LambdaMax = v.LambdaMax, Lambda = Doubles.ToBytesOrNull(v.Lambda),
        Phases = v.Phases,
    };
}
