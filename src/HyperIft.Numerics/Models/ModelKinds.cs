namespace HyperIft.Numerics.Models;

/// <summary>The one list of models (SPEC §3, §7): the console, the coordinator and the tests read it. A new model is a file and a line here.</summary>
public static class ModelKinds
{
    public static readonly IReadOnlyList<ModelKind> All =
    [
        new("ridge", LabelSet.Real, "real", s => new RidgeModel(s.Features, s.Intercept)),
        new("logistic", LabelSet.Binary, "{0,1} or {−1,+1}", s => new LogisticModel(s.Features, s.Intercept)),
        new("softmax", LabelSet.Classes, "0..C−1 (integers)", s => new SoftmaxModel(s.Features, s.Classes, s.Intercept)),
        new("mlp", LabelSet.Classes, "0..C−1 (integers)", s => new MlpModel(s.Features, s.Hidden, s.Classes, s.Activation), Network: true),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    public static ModelKind Named(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown model '{name}' (expected one of: {string.Join(", ", Names)})");

    /// <summary>The model built from a name, for code that has one (tests, benchmarks).</summary>
    public static Model Create(string name, int features, int classes, bool intercept) => Named(name).Create(features, classes, intercept);

    public static Model Create(string name, ModelShape shape) => Named(name).Create(shape);
}
