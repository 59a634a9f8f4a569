using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Objectives;

/// <summary>The model, the hyperparameter kind and the two data sets of one bilevel problem.</summary>
public sealed record BilevelProblem(Model Model, Hyperparameter Hyper, DataBlock Train, DataBlock Validation)
{
    public int ParameterCount => Model.Layout.Dimension;
    public int HyperCount => Hyper.Count;
}
