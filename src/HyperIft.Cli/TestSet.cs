using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;

namespace HyperIft.Cli;

/// <summary>
/// Scores the final θ on a held-out test set (<c>tune --test SOURCE</c>), read by this process: the
/// same model, classes and standardization (fitted on the training set) as the run.
/// </summary>
public static class TestSet
{
    public static (string Source, EvaluationMetrics Metrics) Evaluate(string source, ProblemSpec problem, ProblemInfo info, double[] theta)
    {
        var spec = new DataSpec(source, SyntheticSpec.IsSynthetic(source) ? DataPart.Test : DataPart.Train,
            problem.Model, problem.Train.LabelColumn, info.Features);
        var test = spec.Load();
        if (test.Features != info.Features)
            throw new DataFormatException(test.Source, 0, $"has {test.Features} features, the training set {info.TrainSource} has {info.Features}");
        if (problem.Standardize) test = Standardizer.Fit(problem.Train.ToDataSpec().Load()).Apply(test);
        var model = ModelFactory.Create(problem.Model, info.Features, info.Classes, problem.Intercept);
        LabelCheck.Validate(model, test);
        return (test.Source, Metrics.Evaluate(model, new DataBlock(test.X, test.Y, test.Features), theta));
    }
}
