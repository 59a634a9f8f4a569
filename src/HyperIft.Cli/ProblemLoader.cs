using System.Globalization;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Cli;

/// <summary>
/// Turns the data and model options into a <see cref="LoadedProblem"/>, checking everything SPEC §6
/// calls bad input before any computation starts, each with the file and line at fault.
/// </summary>
public static class ProblemLoader
{
    public static LoadedProblem Load(ParsedArgs args, TextWriter log)
    {
        string modelName = args.Choice("model", ModelFactory.Names);
        string kind = args.Choice("hyper", HyperparameterFactory.Names, "l2");
        var (train, validation) = ReadData(args, modelName);
        log.WriteLine($"train: {train.Source} ({train.Rows} rows × {train.Features} features)");
        log.WriteLine($"val:   {validation.Source} ({validation.Rows} rows × {validation.Features} features)");

        if (validation.Features != train.Features)
            throw new DataFormatException(validation.Source, 0,
                $"has {validation.Features} features, the training set {train.Source} has {train.Features}");
        if (args.Flag("standardize"))
        {
            var scaler = Standardizer.Fit(train);
            (train, validation) = (scaler.Apply(train), scaler.Apply(validation));
        }

        int classes = modelName == "softmax" ? Classes(args, train) : 1;
        var model = ModelFactory.Create(modelName, train.Features, classes, !args.Flag("no-intercept"));
        CheckLabels(model, train);
        CheckLabels(model, validation);

        double l2 = args.Double("l2", ExampleWeights.DefaultL2);
        if (l2 <= 0) throw new UsageException("--l2 must be positive");
        var hyper = HyperparameterFactory.Create(kind, model.Layout, train.Rows, l2);
        var lambda = ReadLambda(args, hyper);
        var problem = new BilevelProblem(model, hyper, Block(train), Block(validation));
        return new LoadedProblem(problem, train, validation, lambda);
    }

    private static DataBlock Block(Dataset d) => new(d.X, d.Y, d.Features);

    /// <summary>The training and validation specs named by --train and --val.</summary>
    public static (DataSpec Train, DataSpec Validation) DataSpecs(ParsedArgs args, string model)
    {
        string trainSource = args.Required("train");
        string? valSource = args.String("val");
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

    private static (Dataset Train, Dataset Validation) ReadData(ParsedArgs args, string model)
    {
        var (trainSpec, valSpec) = DataSpecs(args, model);
        var train = trainSpec.Load();
        // A validation set must have the training set's features (LIBSVM pads to them).
        return (train, (valSpec with { Features = train.Features }).Load());
    }

    private static int Classes(ParsedArgs args, Dataset train)
    {
        if (args.IntOrNull("classes", min: 2) is { } c) return c;
        double max = train.Y.Max();
        if (max < 1 || max != Math.Floor(max) || max > 100_000)
        {
            int row = Array.IndexOf(train.Y, max);
            throw new DataFormatException(train.LocateLabel(row), 0, $"label {max} does not give softmax a class count (need integers 0..C−1, C ≥ 2)");
        }
        return (int)max + 1;
    }

    private static void CheckLabels(Model model, Dataset data)
    {
        bool zero = false, minusOne = false;
        for (int i = 0; i < data.Rows; i++)
        {
            if (model.LabelError(data.Y[i]) is { } problem)
                throw new DataFormatException(data.LocateLabel(i), 0, $"{problem} (model {model.Name})");
            zero |= data.Y[i] == 0;
            minusOne |= data.Y[i] == -1;
            if (model is LogisticModel && zero && minusOne)
                throw new DataFormatException(data.LocateLabel(i), 0, "labels mix 0 and -1: use {0,1} or {-1,+1}");
        }
    }

    private static double[] ReadLambda(ParsedArgs args, Hyperparameter hyper)
    {
        string? file = args.String("lambda-file");
        if (file is null) return Enumerable.Repeat(args.Double("lambda", 0.0), hyper.Count).ToArray();
        if (args.Has("lambda")) throw new UsageException("give --lambda or --lambda-file, not both");
        var values = LambdaFile.Read(file);
        if (values.Length != hyper.Count)
            throw new DataFormatException(file, 0, $"has {values.Length} values; {hyper.Name} needs {hyper.Count} ({Describe(hyper)})");
        return values;
    }

    private static string Describe(Hyperparameter h) => h.Name switch
    {
        "l2" => "one",
        "l2-feature" => "one per feature",
        "l2-param" => "one per weight, feature-major",
        _ => "one per training row",
    };

    public static string Summary(double[] x) =>
        x.Length == 0 ? "[]" : string.Create(CultureInfo.InvariantCulture,
            $"min {x.Min():G4}, mean {x.Average():G4}, max {x.Max():G4}, ‖·‖ {Vec.Norm(x):G4}");
}
