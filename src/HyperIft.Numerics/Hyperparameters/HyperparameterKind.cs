namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// A kind of λ as the rest of the system sees it: its name, what its entries are (help text, λ file
/// errors) and how to build it for a model's layout, n training rows and the fixed L2 strength.
/// Registered once, in <see cref="HyperparameterKinds"/>.
/// </summary>
public sealed record HyperparameterKind(string Name, string Entries, Func<ParameterLayout, int, double, Hyperparameter> Build)
{
    public Hyperparameter Create(ParameterLayout layout, int trainingRows, double fixedL2 = ExampleWeights.DefaultL2) =>
        Build(layout, trainingRows, fixedL2);
}
