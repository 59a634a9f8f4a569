using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Grains;

/// <summary>
/// The problem of a <see cref="ProblemSpec"/> built in this process, with no grains: the reference
/// the cluster is compared with, and the baseline of the benchmark's messaging share.
/// </summary>
public static class LocalProblem
{
    public static LocalObjective Objective(ProblemSpec spec)
    {
        var train = spec.Train.ToDataSpec().Load();
        var validation = (spec.Validation with { Features = train.Features }).ToDataSpec().Load();
        if (spec.Standardize)
        {
            var scaler = Standardizer.Fit(train);
            (train, validation) = (scaler.Apply(train), scaler.Apply(validation));
        }
        int classes = spec.Model == "softmax" ? spec.Classes ?? (int)train.Y.Max() + 1 : 1;
        var model = ModelFactory.Create(spec.Model, train.Features, classes, spec.Intercept);
        LabelCheck.Validate(model, train);
        LabelCheck.Validate(model, validation);
        var hyper = HyperparameterFactory.Create(spec.Hyper, model.Layout, train.Rows, spec.ExampleWeightL2);
        var problem = new BilevelProblem(model, hyper, new DataBlock(train.X, train.Y, train.Features),
            new DataBlock(validation.X, validation.Y, validation.Features));
        return new LocalObjective(problem, spec.Shards);
    }
}
