namespace HyperIft.Numerics.Models;

/// <summary>Builds a model from its command-line name (SPEC §3).</summary>
public static class ModelFactory
{
    public static readonly string[] Names = ["ridge", "logistic", "softmax"];

    public static Model Create(string name, int features, int classes, bool intercept) => name switch
    {
        "ridge" => new RidgeModel(features, intercept),
        "logistic" => new LogisticModel(features, intercept),
        "softmax" => new SoftmaxModel(features, classes, intercept),
        _ => throw new ArgumentException($"unknown model '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
