namespace HyperIft.Numerics.Hyperparameters;

/// <summary>What the kinds that make the inputs take besides the layout (SPEC §8); the other kinds ignore it.</summary>
/// <param name="DistillPerClass">k, synthetic rows per class (<c>--distill-per-class</c>).</param>
/// <param name="AugmentCopies">R, augmented copies of a row (<c>--augment-copies</c>).</param>
/// <param name="AugmentNoise">q, the width of a copy's noise (<c>--augment-noise</c>).</param>
/// <param name="Seed">Seeds the augmentation noise (<c>--seed</c>).</param>
public sealed record InputOptions(int DistillPerClass = 1, int AugmentCopies = 1, int AugmentNoise = 16, int Seed = 0);

/// <summary>Everything a kind is built from: the model's layout, n training rows, the fixed L2 strength and the data kinds' options.</summary>
public sealed record KindContext(ParameterLayout Layout, int TrainingRows, double FixedL2, InputOptions Inputs);

/// <summary>
/// A kind of λ as the rest of the system sees it: its name, what its entries are (help text, λ file
/// errors) and how to build it. Registered once, in <see cref="HyperparameterKinds"/>.
/// </summary>
public sealed record HyperparameterKind(string Name, string Entries, Func<KindContext, Hyperparameter> Build)
{
    public Hyperparameter Create(ParameterLayout layout, int trainingRows, double fixedL2 = ExampleWeights.DefaultL2, InputOptions? inputs = null) =>
        Build(new KindContext(layout, trainingRows, fixedL2, inputs ?? new InputOptions()));
}
