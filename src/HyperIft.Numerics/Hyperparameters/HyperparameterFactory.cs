namespace HyperIft.Numerics.Hyperparameters;

/// <summary>Builds a hyperparameter kind from its command-line name (SPEC §4).</summary>
public static class HyperparameterFactory
{
    public static readonly string[] Names = ["l2", "l2-feature", "l2-param", "example-weights"];

    public static Hyperparameter Create(string name, ParameterLayout layout, int trainingRows,
        double exampleWeightL2 = ExampleWeights.DefaultL2) => name switch
    {
        "l2" => new L2Penalty(layout, L2Penalty.Grouping.Global),
        "l2-feature" => new L2Penalty(layout, L2Penalty.Grouping.PerFeature),
        "l2-param" => new L2Penalty(layout, L2Penalty.Grouping.PerParameter),
        "example-weights" => new ExampleWeights(layout, trainingRows, exampleWeightL2),
        _ => throw new ArgumentException($"unknown hyperparameter kind '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
