using HyperIft.Data;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Cli;

/// <summary>A bilevel problem read from the command line, with the data sets it came from.</summary>
public sealed record LoadedProblem(BilevelProblem Problem, Dataset Train, Dataset Validation, double[] Lambda)
{
    public string ModelName => Problem.Model.Name;
    public string HyperName => Problem.Hyper.Name;
}
