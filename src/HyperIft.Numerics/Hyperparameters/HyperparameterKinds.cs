namespace HyperIft.Numerics.Hyperparameters;

/// <summary>The one list of hyperparameter kinds (SPEC §4, §7, §8). A new kind is a file and a line here.</summary>
public static class HyperparameterKinds
{
    public static readonly IReadOnlyList<HyperparameterKind> All =
    [
        new("l2", "one", c => new L2Penalty(c.Layout, L2Penalty.Grouping.Global, c.FixedL2)),
        new("l2-layer", "one per layer, input side first", c => new L2Penalty(c.Layout, L2Penalty.Grouping.PerLayer, c.FixedL2)),
        new("l2-feature", "one per feature", c => new L2Penalty(c.Layout, L2Penalty.Grouping.PerFeature, c.FixedL2)),
        new("l2-param", "one per weight, in θ order (feature-major)", c => new L2Penalty(c.Layout, L2Penalty.Grouping.PerParameter, c.FixedL2)),
        new(ExampleWeights.KindName, "one per training row", c => new ExampleWeights(c.Layout, c.TrainingRows, c.FixedL2)),
        new(Distill.KindName, "k·C synthetic rows of p inputs, class-major, row by row",
            c => new Distill(c.Layout, c.Inputs.DistillPerClass, c.FixedL2)),
        new(Augment.KindName, "A (p×p), then B (p×q), then c (p), each row-major",
            c => new Augment(c.Layout, c.Inputs.AugmentCopies, c.Inputs.AugmentNoise, c.Inputs.Seed, c.FixedL2)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(k => k.Name).ToArray();

    public static HyperparameterKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"unknown hyperparameter kind '{name}' (expected one of: {string.Join(", ", Names)})");

    public static Hyperparameter Create(string name, ParameterLayout layout, int trainingRows, double fixedL2 = ExampleWeights.DefaultL2,
        InputOptions? inputs = null) =>
        Named(name).Create(layout, trainingRows, fixedL2, inputs);
}
