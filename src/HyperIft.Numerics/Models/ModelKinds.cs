namespace HyperIft.Numerics.Models;

/// <summary>The one list of models (SPEC §3, §7): the console, the coordinator and the tests read it. A new model is a file and a line here.</summary>
public static class ModelKinds
{
    public static readonly IReadOnlyList<ModelKind> All =
    [
        new("ridge", LabelSet.Real, "real", (p, _, intercept) => new RidgeModel(p, intercept)),
        new("logistic", LabelSet.Binary, "{0,1} or {−1,+1}", (p, _, intercept) => new LogisticModel(p, intercept)),
        new("softmax", LabelSet.Classes, "0..C−1 (integers)", (p, c, intercept) => new SoftmaxModel(p, c, intercept)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    public static ModelKind Named(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown model '{name}' (expected one of: {string.Join(", ", Names)})");

    /// <summary>The model built from a name, for code that has one (tests, benchmarks).</summary>
    public static Model Create(string name, int features, int classes, bool intercept) => Named(name).Create(features, classes, intercept);
}
