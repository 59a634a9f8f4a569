using System.CommandLine;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;

namespace HyperIft.Cli;

/// <summary>
/// Turns the data and model options into the <see cref="ProblemSpec"/> the silos read the data
/// from, and λ into a vector of the length the configured problem needs.
/// </summary>
public static class ProblemOptions
{
    public static ProblemSpec Spec(ParseResult args) => Spec(args, args.GetValue(CommonOptions.Hyper)!);

    /// <summary>The spec of a command that weighs training rows (clean, influence): --hyper is example-weights.</summary>
    public static ProblemSpec RowWeightsSpec(ParseResult args) => Spec(args, ExampleWeights.KindName);

    private static ProblemSpec Spec(ParseResult args, string hyper)
    {
        string model = args.GetValue(CommonOptions.Model)!;
        var (train, validation) = DataSpecs(args, model);
        bool network = ModelKinds.Named(model).Network;
        if (!network)
            foreach (var option in new Option[] { CommonOptions.Hidden, CommonOptions.Activation })
                if (args.Given(option)) throw new UsageException($"{option.Name} applies to a network (--model mlp), not to {model}");
        if (network && args.GetValue(CommonOptions.Jacobi))
            throw new UsageException("--jacobi needs the Hessian's diagonal, which mlp does not compute: drop --jacobi");
        if (network && args.GetValue(CommonOptions.Kronecker))
            throw new UsageException("--kronecker needs a Hessian with Kronecker factors (a linear model's), which mlp's is not: drop --kronecker");
        foreach (var (option, kind) in CommonOptions.InputKindOptions)
            if (args.Given(option) && hyper != kind) throw new UsageException($"{option.Name} applies to --hyper {kind}, not to {hyper}");
        string? init = args.GetValue(CommonOptions.Init) is { } file ? Path.GetFullPath(file) : null;
        if (init is not null) LambdaFile.Read(init); // a bad value is reported by file and line before any work
        return new ProblemSpec(model, hyper, WithFingerprint(train), WithFingerprint(validation),
            args.GetValue(CommonOptions.Classes), !args.GetValue(CommonOptions.NoIntercept), args.GetValue(CommonOptions.Standardize),
            args.GetValue(CommonOptions.L2), args.GetValue(CommonOptions.Shards),
            Hidden: network ? args.GetValue(CommonOptions.Hidden) ?? CommonOptions.DefaultHidden : "",
            Activation: args.GetValue(CommonOptions.Activation) ?? "tanh",
            Seed: args.GetValue(CommonOptions.Seed),
            InitFile: init,
            DistillPerClass: args.GetValue(CommonOptions.DistillPerClass),
            AugmentCopies: args.GetValue(CommonOptions.AugmentCopies),
            AugmentNoise: args.GetValue(CommonOptions.AugmentNoise));
    }

    /// <summary>The training and validation specs named by --train and --val.</summary>
    public static (DataSpec Train, DataSpec Validation) DataSpecs(ParseResult args, string model)
    {
        // Absolute: on a cluster a relative path would resolve in each silo's working directory.
        string trainSource = SourceFiles.Absolute(args.GetValue(CommonOptions.Train)!);
        string? valSource = args.GetValue(CommonOptions.Val) is { } v ? SourceFiles.Absolute(v) : null;
        int? labelColumn = args.GetValue(CommonOptions.LabelColumn);
        bool sparse = args.GetValue(CommonOptions.Sparse);
        var train = new DataSpec(trainSource, DataPart.Train, model, labelColumn, args.GetValue(CommonOptions.Features), Sparse: sparse);
        if (valSource is null && !SyntheticSpec.IsSynthetic(trainSource))
            throw new UsageException("--val is required unless --train is synthetic");
        // A generated source used for validation gives its validation part (same truth, other rows).
        string source = valSource ?? trainSource;
        var validation = new DataSpec(source, SyntheticSpec.IsSynthetic(source) ? DataPart.Validation : DataPart.Train,
            model, labelColumn, Sparse: sparse);
        return (train, validation);
    }

    /// <summary>The spec the silos read, with the fingerprint of the files as this process sees them.</summary>
    private static DataSpec WithFingerprint(DataSpec d) => d with { Fingerprint = SourceFiles.Fingerprint(d.Source) };

    /// <summary>
    /// λ from --lambda (broadcast) or --lambda-file, checked against the problem's size; distill without
    /// either starts from the training set (--distill-init), read here, by this process.
    /// </summary>
    public static double[] Lambda(ParseResult args, ProblemInfo info, ProblemSpec problem)
    {
        string? file = args.GetValue(CommonOptions.LambdaFile);
        if (file is null && info.Hyper == Distill.KindName && !args.Given(CommonOptions.Lambda))
            return Distill.Start(problem.Train.Load().Block, info.Classes, problem.DistillPerClass,
                DistillStarts.Parse(args.GetValue(CommonOptions.DistillInit)!), problem.Seed);
        if (file is null) return Enumerable.Repeat(args.GetValue(CommonOptions.Lambda), info.HyperCount).ToArray();
        if (args.Given(CommonOptions.Lambda)) throw new UsageException("give --lambda or --lambda-file, not both");
        var values = LambdaFile.Read(file);
        if (values.Length != info.HyperCount)
            throw new DataFormatException(file, 0,
                $"has {values.Length} values; {info.Hyper} needs {info.HyperCount} ({HyperparameterKinds.Named(info.Hyper).Entries})");
        return values;
    }
}
