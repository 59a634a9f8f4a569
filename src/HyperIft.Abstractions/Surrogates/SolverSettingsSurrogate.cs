using HyperIft.Numerics.Optimization;

namespace HyperIft.Abstractions.Surrogates;

[GenerateSerializer, Immutable]
internal struct SolverSettingsSurrogate
{
    [Id(0)] public string Solver;
    [Id(1)] public double InnerTolerance;
    [Id(2)] public double SolverTolerance;
    [Id(3)] public int MaxCgIterations;
    [Id(4)] public bool Jacobi;
    [Id(5)] public int NeumannTerms;
    [Id(6)] public double? NeumannAlpha;
    [Id(7)] public int MaxNewtonIterations;
    [Id(8)] public double Damping;
    [Id(9)] public bool Kronecker;
    [Id(10)] public bool ScheduledStep;
}

[RegisterConverter]
internal sealed class SolverSettingsConverter : IConverter<SolverSettings, SolverSettingsSurrogate>
{
    public SolverSettings ConvertFromSurrogate(in SolverSettingsSurrogate s) =>
        new(s.Solver, s.InnerTolerance, s.SolverTolerance, s.MaxCgIterations, s.Jacobi, s.NeumannTerms, s.NeumannAlpha, s.MaxNewtonIterations, s.Damping, s.Kronecker,
            s.ScheduledStep);

    public SolverSettingsSurrogate ConvertToSurrogate(in SolverSettings v) => new()
    {
        Solver = v.Solver, InnerTolerance = v.InnerTolerance, SolverTolerance = v.SolverTolerance, MaxCgIterations = v.MaxCgIterations,
        Jacobi = v.Jacobi, NeumannTerms = v.NeumannTerms, NeumannAlpha = v.NeumannAlpha, MaxNewtonIterations = v.MaxNewtonIterations,
        Damping = v.Damping, Kronecker = v.Kronecker, ScheduledStep = v.ScheduledStep,
    };
}
