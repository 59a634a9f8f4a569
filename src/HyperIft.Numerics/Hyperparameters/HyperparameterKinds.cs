namespace HyperIft.Numerics.Hyperparameters;

/// <summary>The one list of hyperparameter kinds (SPEC §4, §7). A new kind is a file and a line here.</summary>
public static class HyperparameterKinds
{
    public static readonly IReadOnlyList<HyperparameterKind> All =
    [
        new("l2", "one", (layout, _, l2) => new L2Penalty(layout, L2Penalty.Grouping.Global, l2)),
        new("l2-layer", "one per layer, input side first", (layout, _, l2) => new L2Penalty(layout, L2Penalty.Grouping.PerLayer, l2)),
        new("l2-feature", "one per feature", (layout, _, l2) => new L2Penalty(layout, L2Penalty.Grouping.PerFeature, l2)),
        new("l2-param", "one per weight, in θ order (feature-major)", (layout, _, l2) => new L2Penalty(layout, L2Penalty.Grouping.PerParameter, l2)),
        new("example-weights", "one per training row", (layout, rows, l2) => new ExampleWeights(layout, rows, l2)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(k => k.Name).ToArray();

    public static HyperparameterKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"unknown hyperparameter kind '{name}' (expected one of: {string.Join(", ", Names)})");

    public static Hyperparameter Create(string name, ParameterLayout layout, int trainingRows, double fixedL2 = ExampleWeights.DefaultL2) =>
        Named(name).Create(layout, trainingRows, fixedL2);
}
