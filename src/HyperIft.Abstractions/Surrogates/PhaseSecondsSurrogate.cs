using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions.Surrogates;

[GenerateSerializer, Immutable]
internal struct PhaseSecondsSurrogate
{
    [Id(0)] public double Inner;
    [Id(1)] public double LinearSolve;
    [Id(2)] public double CrossTerm;
}

[RegisterConverter]
internal sealed class PhaseSecondsConverter : IConverter<PhaseSeconds, PhaseSecondsSurrogate>
{
    public PhaseSeconds ConvertFromSurrogate(in PhaseSecondsSurrogate s) => new(s.Inner, s.LinearSolve, s.CrossTerm);

    public PhaseSecondsSurrogate ConvertToSurrogate(in PhaseSeconds v) =>
        new() { Inner = v.Inner, LinearSolve = v.LinearSolve, CrossTerm = v.CrossTerm };
}
