namespace HyperIft.Numerics.Hyperparameters;

/// <summary>The one list of hyperparameter kinds (SPEC §4). A new kind is a file and a line here.</summary>
public static class HyperparameterKinds
{
    public static readonly IReadOnlyList<HyperparameterKind> All =
    [
        new("l2", "one", (layout, _, _) => new L2Penalty(layout, L2Penalty.Grouping.Global)),
        new("l2-feature", "one per feature", (layout, _, _) => new L2Penalty(layout, L2Penalty.Grouping.PerFeature)),
        new("l2-param", "one per weight, feature-major", (layout, _, _) => new L2Penalty(layout, L2Penalty.Grouping.PerParameter)),
        new("example-weights", "one per training row", (layout, rows, l2) => new ExampleWeights(layout, rows, l2)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(k => k.Name).ToArray();

    public static HyperparameterKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"unknown hyperparameter kind '{name}' (expected one of: {string.Join(", ", Names)})");

    public static Hyperparameter Create(string name, ParameterLayout layout, int trainingRows, double fixedL2 = ExampleWeights.DefaultL2) =>
        Named(name).Create(layout, trainingRows, fixedL2);
}
