using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;

namespace HyperIft.Cli;

/// <summary>
/// A held-out test set (<c>tune --test SOURCE</c>), read by this process before the first step, so
/// that a wrong file is found before the tuning, not after it: the same model and classes as the
/// run (through <see cref="ProblemBuilder"/>) and the standardization the run fitted on its training
/// set. Scores the final θ.
/// </summary>
public sealed class TestSet
{
    private readonly Dataset _rows;
    private readonly Model _model;

    private TestSet(Dataset rows, Model model) => (_rows, _model) = (rows, model);

    public string Source => _rows.Source;

    public static TestSet Load(string source, ProblemSpec problem, ProblemInfo info, Standardization? standardization)
    {
        var spec = new DataSpec(source, SyntheticSpec.IsSynthetic(source) ? DataPart.Test : DataPart.Train,
            problem.Model, problem.Train.LabelColumn, info.Features, Sparse: problem.Train.Sparse);
        var test = spec.Load();
        if (test.Features != info.Features)
            throw new DataFormatException(test.Source, 0, $"has {test.Features} features, the training set {info.TrainSource} has {info.Features}");
        if (standardization is not null)
            test = new Standardizer(standardization.Mean.ToArray(), standardization.Scale.ToArray()).Apply(test);
        var model = ProblemBuilder.Create(new ModelSpec(problem.Model, info.Features, info.Classes, problem.Intercept, problem.Hidden, problem.Activation));
        LabelCheck.Validate(model, test);
        return new TestSet(test, model);
    }

    public EvaluationMetrics Evaluate(double[] theta) =>
        Metrics.Evaluate(_model, _rows.Block, theta);
}
