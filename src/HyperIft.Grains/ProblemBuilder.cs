using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Grains;

/// <summary>What a training set's labels show, merged over its shards: enough to settle the model.</summary>
internal sealed record LabelSummary(double Max, bool HasZero, bool HasMinusOne)
{
    public static LabelSummary Of(Dataset rows) =>
        new(rows.Rows == 0 ? double.NegativeInfinity : rows.Y.Max(), rows.Y.Contains(0.0), rows.Y.Contains(-1.0));

    public static LabelSummary Merge(IEnumerable<LabelSummary> parts) => parts.Aggregate(
        new LabelSummary(double.NegativeInfinity, false, false),
        (a, b) => new LabelSummary(Math.Max(a.Max, b.Max), a.HasZero || b.HasZero, a.HasMinusOne || b.HasMinusOne));
}

/// <summary>
/// The one place a <see cref="ProblemSpec"/> becomes a problem: the model kind and class count from
/// the training labels, the label rules, the model and the hyperparameter. The coordinator, the
/// in-process objective, <c>bench</c> and <c>--test</c> scoring all go through it.
/// </summary>
public static class ProblemBuilder
{
    /// <summary>The model for p features, its class count settled from the training labels (or --classes).</summary>
    internal static ModelSpec Model(ProblemSpec spec, int features, LabelSummary labels)
    {
        var kind = Kind(spec);
        int classes = kind.Labels == LabelSet.Classes ? Classes(spec, labels) : 1;
        return kind.Network
            ? new ModelSpec(kind.Name, features, classes, spec.Intercept, spec.Hidden, spec.Activation)
            : new ModelSpec(kind.Name, features, classes, spec.Intercept);
    }

    /// <summary>A label set that does not fit the model as a whole (each shard checked its own rows by file and line).</summary>
    internal static void CheckLabelSet(ProblemSpec spec, LabelSummary labels)
    {
        if (Kind(spec).LabelSetError(labels.HasZero, labels.HasMinusOne) is { } error)
            throw new ProblemInputException($"{spec.Train.Source}: {error}");
    }

    /// <summary>The numerical model and hyperparameter of a settled problem with n training rows.</summary>
    internal static (Model Model, Hyperparameter Hyper) Build(ProblemSpec spec, ModelSpec model, int trainRows)
    {
        var numeric = Create(model);
        var kind = HyperparameterKinds.All.FirstOrDefault(k => k.Name == spec.Hyper)
                   ?? throw new ProblemInputException($"unknown hyperparameter kind '{spec.Hyper}' (expected one of: {string.Join(", ", HyperparameterKinds.Names)})");
        if (!(spec.ExampleWeightL2 > 0)) throw new ProblemInputException($"--l2 must be positive, got {spec.ExampleWeightL2}");
        Hyperparameter hyper;
        try
        {
            hyper = kind.Create(numeric.Layout, trainRows, spec.ExampleWeightL2, InputOptions(spec));
        }
        catch (ArgumentException e)
        {
            throw new ProblemInputException(e.Message);
        }
        if (hyper is InputHyperparameter && !numeric.DifferentiatesInputs)
            throw new ProblemInputException($"{hyper.Name} differentiates the loss by its inputs, which {numeric.Name} does not: use --model softmax or mlp");
        if (hyper is Distill && spec.Standardize)
            throw new ProblemInputException("distill learns its rows in the inputs' own scale: drop --standardize");
        return (numeric, hyper);
    }

    internal static InputOptions InputOptions(ProblemSpec spec) =>
        new(spec.DistillPerClass, spec.AugmentCopies, spec.AugmentNoise, spec.Seed);

    /// <summary>What a training shard needs to build its rows from λ, or null when the kind does not make them.</summary>
    public static ShardInputs? ShardInputs(ProblemSpec spec) =>
        spec.Hyper is Distill.KindName or Augment.KindName
            ? new ShardInputs(spec.Hyper, spec.ExampleWeightL2, spec.DistillPerClass, spec.AugmentCopies, spec.AugmentNoise, spec.Seed)
            : null;

    /// <summary>The kind a shard builds its rows with, for its model.</summary>
    public static InputHyperparameter Inputs(ShardInputs inputs, Model model) =>
        (InputHyperparameter)HyperparameterKinds.Create(inputs.Kind, model.Layout, 0, inputs.L2,
            new InputOptions(inputs.DistillPerClass, inputs.AugmentCopies, inputs.AugmentNoise, inputs.Seed));

    public static Model Create(ModelSpec model)
    {
        int[] hidden;
        Activation activation;
        try
        {
            (hidden, activation) = (ModelShape.ParseHidden(model.Hidden), Activations.Parse(model.Activation));
        }
        catch (ArgumentException e)
        {
            throw new ProblemInputException(e.Message);
        }
        // p is bounded by the largest index of a sparse file, not by memory: say when θ cannot exist.
        long weights = (long)model.Features * (hidden.Length > 0 ? hidden[0] : model.Name == "softmax" ? model.Classes : 1);
        if (weights > Array.MaxLength / 4)
            throw new ProblemInputException(
                $"{model.Name} over {model.Features} features has {weights} first-layer weights, more than this build handles (limit {Array.MaxLength / 4}); is a feature index wrong?");
        return ModelKinds.Create(model.Name, new ModelShape(model.Features, model.Classes, model.Intercept, hidden, activation));
    }

    /// <summary>
    /// Where the inner solve of the first step starts: θ from <see cref="ProblemSpec.InitFile"/> (one value
    /// a line, in the θ layout of SPEC §7), else the model's initialization seeded by <see cref="ProblemSpec.Seed"/>.
    /// </summary>
    internal static double[] InitialTheta(ProblemSpec spec, Model model)
    {
        if (spec.InitFile is not { } file) return model.InitialTheta(spec.Seed);
        var theta = LambdaFile.Read(file);
        if (theta.Length != model.Layout.Dimension)
            throw new DataFormatException(file, 0,
                $"has {theta.Length} values; θ of this {model.Name} has {model.Layout.Dimension} (the layout of SPEC §7)");
        return theta;
    }

    /// <summary>
    /// The problem built in this process, with no grains: the reference the cluster is compared with,
    /// and the baseline of the benchmark's messaging share.
    /// </summary>
    public static LocalObjective Local(ProblemSpec spec)
    {
        var train = spec.Train.Load();
        var validation = (spec.Validation with { Features = train.Features }).Load();
        if (spec.Standardize)
        {
            var scaler = Standardizer.Fit(train);
            (train, validation) = (scaler.Apply(train), scaler.Apply(validation));
        }
        var labels = LabelSummary.Of(train);
        var modelSpec = Model(spec, train.Features, labels);
        var (model, hyper) = Build(spec, modelSpec, train.Rows);
        LabelCheck.Validate(model, train);
        LabelCheck.Validate(model, validation);
        CheckLabelSet(spec, labels);
        if (hyper is InputHyperparameter && train.IsSparse) train = train.ToDense(); // augmented copies are dense
        // distill trains on its synthetic rows alone: the training set only starts λ
        var rows = hyper is Distill distill ? distill.SlotRows(0, distill.Slots) : train.Block;
        var problem = new BilevelProblem(model, hyper, rows, validation.Block);
        return new LocalObjective(problem, spec.Shards) { InitialTheta = InitialTheta(spec, model) };
    }

    private static ModelKind Kind(ProblemSpec spec) =>
        ModelKinds.All.FirstOrDefault(m => m.Name == spec.Model)
        ?? throw new ProblemInputException($"unknown model '{spec.Model}' (expected one of: {string.Join(", ", ModelKinds.Names)})");

    private static int Classes(ProblemSpec spec, LabelSummary labels)
    {
        if (spec.Classes is { } c) return c >= 2 ? c : throw new ProblemInputException($"--classes must be at least 2, got {c}");
        if (!(labels.Max >= 1))
            throw new ProblemInputException($"{spec.Train.Source}: {spec.Model} needs labels 0..C−1 with C ≥ 2; the largest label is {labels.Max}");
        return (int)Math.Min(Math.Floor(labels.Max), 1_000_000) + 1;
    }
}
