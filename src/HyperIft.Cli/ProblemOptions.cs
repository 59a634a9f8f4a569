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
    public static ProblemSpec Spec(ParsedArgs args)
    {
        string model = args.Choice("model", ModelKinds.Names);
        string hyper = args.Choice("hyper", HyperparameterKinds.Names, "l2");
        var (train, validation) = DataSpecs(args, model);
        double l2 = args.Double("l2", ExampleWeights.DefaultL2);
        if (l2 <= 0) throw new UsageException("--l2 must be positive");
        return new ProblemSpec(model, hyper, WithFingerprint(train), WithFingerprint(validation),
            args.IntOrNull("classes", min: 2), !args.Flag("no-intercept"), args.Flag("standardize"), l2,
            Shards(args));
    }

    private static int Shards(ParsedArgs args)
    {
        int shards = args.Int("shards", 1, min: 1);
        return shards <= ProblemSpec.MaxShards
            ? shards
            : throw new UsageException($"--shards must be at most {ProblemSpec.MaxShards}, got {shards}");
    }

    /// <summary>The training and validation specs named by --train and --val.</summary>
    public static (DataSpec Train, DataSpec Validation) DataSpecs(ParsedArgs args, string model)
    {
        // Absolute: on a cluster a relative path would resolve in each silo's working directory.
        string trainSource = SourceFiles.Absolute(args.Required("train"));
        string? valSource = args.String("val") is { } v ? SourceFiles.Absolute(v) : null;
        int? labelColumn = args.IntOrNull("label-column", min: 0);
        var train = new DataSpec(trainSource, DataPart.Train, model, labelColumn, args.IntOrNull("features", min: 1));
        if (valSource is null && !SyntheticSpec.IsSynthetic(trainSource))
            throw new UsageException("--val is required unless --train is synthetic");
        // A generated source used for validation gives its validation part (same truth, other rows).
        string source = valSource ?? trainSource;
        var validation = new DataSpec(source, SyntheticSpec.IsSynthetic(source) ? DataPart.Validation : DataPart.Train,
            model, labelColumn);
        return (train, validation);
    }

    /// <summary>The spec the silos read, with the fingerprint of the files as this process sees them.</summary>
    private static DataSpec WithFingerprint(DataSpec d) => d with { Fingerprint = SourceFiles.Fingerprint(d.Source) };

    /// <summary>λ from --lambda (broadcast) or --lambda-file, checked against the problem's size.</summary>
    public static double[] Lambda(ParsedArgs args, ProblemInfo info)
    {
        string? file = args.String("lambda-file");
        if (file is null) return Enumerable.Repeat(args.Double("lambda", 0.0), info.HyperCount).ToArray();
        if (args.Has("lambda")) throw new UsageException("give --lambda or --lambda-file, not both");
        var values = LambdaFile.Read(file);
        if (values.Length != info.HyperCount)
            throw new DataFormatException(file, 0, $"has {values.Length} values; {info.Hyper} needs {info.HyperCount} ({Describe(info.Hyper)})");
        return values;
    }

    private static string Describe(string hyper) => hyper switch
    {
        "l2" => "one",
        "l2-feature" => "one per feature",
        "l2-param" => "one per weight, feature-major",
        _ => "one per training row",
    };
}
