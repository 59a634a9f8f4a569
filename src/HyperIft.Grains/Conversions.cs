using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains;

/// <summary>Between the wire messages and the numerical and data libraries, which know nothing of Orleans.</summary>
public static class Conversions
{
    public static DataSpec ToDataSpec(this DataSetSpec s) =>
        new(s.Source, s.ValidationPart ? DataPart.Validation : DataPart.Train, s.Model, s.LabelColumn, s.Features);

    public static SolverSettings ToSettings(this SolverSpec s) =>
        new(s.Solver, s.InnerTolerance, s.SolverTolerance, s.MaxCgIterations, s.Jacobi, s.NeumannTerms, s.NeumannAlpha,
            s.MaxNewtonIterations);

    public static SolverSpec ToSpec(this SolverSettings s) =>
        new(s.Solver, s.InnerTolerance, s.SolverTolerance, s.MaxCgIterations, s.Jacobi, s.NeumannTerms, s.NeumannAlpha,
            s.MaxNewtonIterations);
}
