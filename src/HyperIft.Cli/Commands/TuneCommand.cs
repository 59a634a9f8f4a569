using System.Diagnostics;
using System.Globalization;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift tune</c>: gradient-based tuning of λ from a start, writing a results folder.</summary>
public static class TuneCommand
{
    public const string Summary = "tune λ by hypergradient steps and write a results folder";

    public const string Example =
        "hyperift tune --model logistic --hyper l2-feature --train synthetic:n=2000,p=40 --steps 30 --outer-lr 0.2 --output results/demo";

    /// <summary>Above this many entries the JSON names lambda.txt instead of listing λ.</summary>
    public const int InlineLambdaLimit = 1000;

    public static readonly OptionSpec[] Options =
    [
        .. CommonOptions.Data, .. CommonOptions.Solver,
        new("steps", "outer steps", "N", "20"),
        new("optimizer", "adam | gd", "NAME", "adam"),
        new("outer-lr", "outer learning rate η", "ETA", "0.1"),
        new("tol-schedule", "constant | hoag (inner and CG tolerances start at 1e-4 and shrink ×0.7 a step to --tol)", "NAME", "constant"),
        new("output", "results folder (default: results/MODEL-KIND-TIMESTAMP)", "DIR"),
        new("overwrite", "allow writing into a results folder that already holds a run"),
    ];

    public static async Task<int> Run(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        int steps = args.Int("steps", 20, min: 1);
        var optimizer = OuterOptimizerFactory.Create(args.Choice("optimizer", OuterOptimizerFactory.Names, "adam"),
            PositiveLearningRate(args));
        var schedule = args.Choice("tol-schedule", ["constant", "hoag"], "constant") == "hoag"
            ? new ToleranceSchedule(1e-4, 0.7)
            : ToleranceSchedule.Constant;
        var settings = CommonOptions.SolverSettings(args);
        var loaded = ProblemLoader.Load(args, stderr);
        string output = PrepareOutput(args, loaded);
        int shards = args.Int("shards", 1, min: 1);

        var objective = new LocalObjective(loaded.Problem, shards);
        var loop = new OuterLoop(settings, optimizer, schedule);
        var state = TuningState.Start(loaded.Lambda);
        var history = new List<(StepRecord Record, double[] Lambda)>();
        var clock = Stopwatch.StartNew();
        for (int k = 0; k < steps; k++)
        {
            var lambdaBefore = state.Lambda;
            (state, var record, _) = await loop.Step(objective, state, ct);
            history.Add((record, lambdaBefore));
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {k + 1,4}/{steps}  val {record.ValidationLoss:F6}  ‖dg/dλ‖ {record.HypergradientNorm:E2}  cg {record.CgIterations,4}  newton {record.InnerIterations,2}  {clock.Elapsed.TotalSeconds,7:F1} s"));
        }
        var final = await loop.Evaluate(objective, state, ct);
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var warning in HypergradientReport.Warnings(final)) stderr.WriteLine(warning);

        int bestStep = BestStep(history, final.ValidationLoss, steps);
        WriteHistory(Path.Combine(output, "history.csv"), history);
        string lambdaPath = Path.Combine(output, "lambda.txt");
        LambdaFile.Write(lambdaPath, state.Lambda);
        string resultJson = HypergradientReport.Json(json => WriteResult(json, args, loaded, final, state, shards, seconds,
            steps, bestStep, output, lambdaPath), indented: true);
        File.WriteAllText(Path.Combine(output, "result.json"), resultJson + Environment.NewLine);

        if (args.Flag("json"))
            stdout.WriteLine(HypergradientReport.Json(json => WriteResult(json, args, loaded, final, state, shards, seconds,
                steps, bestStep, output, lambdaPath)));
        else
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"validation loss {history[0].Record.ValidationLoss:R} → {final.ValidationLoss:R} in {steps} steps ({seconds:F1} s)"));
            stdout.WriteLine($"λ: {ProblemLoader.Summary(state.Lambda)}");
            stdout.WriteLine($"results: {Path.GetFullPath(output)}");
        }
        return 0;
    }

    private static double PositiveLearningRate(ParsedArgs args)
    {
        double lr = args.Double("outer-lr", 0.1);
        return lr > 0 ? lr : throw new UsageException("--outer-lr must be positive");
    }

    private static string PrepareOutput(ParsedArgs args, LoadedProblem loaded)
    {
        string output = args.String("output")
            ?? Path.Combine("results", $"{loaded.ModelName}-{loaded.HyperName}-{DateTime.Now:yyyyMMdd-HHmmss}");
        if (File.Exists(Path.Combine(output, "result.json")) && !args.Flag("overwrite"))
            throw new UsageException($"{output} already holds a run (result.json); choose another --output or add --overwrite");
        try
        {
            Directory.CreateDirectory(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the results folder {output}: {e.Message}");
        }
        return output;
    }

    /// <summary>The step whose λ had the lowest validation loss; the final λ counts as step N.</summary>
    private static int BestStep(List<(StepRecord Record, double[] Lambda)> history, double finalLoss, int steps)
    {
        int best = steps;
        double bestLoss = finalLoss;
        foreach (var (record, _) in history)
            if (record.ValidationLoss < bestLoss)
                (best, bestLoss) = (record.Step, record.ValidationLoss);
        return best;
    }

    private static void WriteHistory(string path, List<(StepRecord Record, double[] Lambda)> history)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("step,validation_loss,train_loss,hypergradient_norm,cg_iterations,newton_iterations,inner_grad_norm,seconds,lambda_min,lambda_mean,lambda_max");
        foreach (var (r, lambda) in history)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Step},{r.ValidationLoss:R},{r.TrainLoss:R},{r.HypergradientNorm:R},{r.CgIterations},{r.InnerIterations},{r.InnerGradNorm:R},{r.Seconds:F4},{lambda.Min():R},{lambda.Average():R},{lambda.Max():R}"));
    }

    private static void WriteResult(System.Text.Json.Utf8JsonWriter json, ParsedArgs args, LoadedProblem loaded,
        HypergradientResult final, TuningState state, int shards, double seconds, int steps, int bestStep, string output,
        string lambdaPath)
    {
        HypergradientReport.WriteFields(json, loaded, final, shards, seconds);
        if (state.Lambda.Length <= InlineLambdaLimit)
        {
            json.WriteStartArray("lambda");
            foreach (var l in state.Lambda) json.WriteNumberValue(l);
            json.WriteEndArray();
        }
        else json.WriteString("lambda", Path.GetFullPath(lambdaPath));
        json.WriteNumber("steps", steps);
        json.WriteNumber("bestStep", bestStep);
        json.WriteString("output", Path.GetFullPath(output));
        json.WriteStartObject("settings");
        json.WriteString("optimizer", args.String("optimizer") ?? "adam");
        json.WriteNumber("outerLr", args.Double("outer-lr", 0.1));
        json.WriteString("tolSchedule", args.String("tol-schedule") ?? "constant");
        json.WriteString("train", args.String("train"));
        if (args.String("val") is { } val) json.WriteString("val", val);
        json.WriteNumber("lambdaNorm", Vec.Norm(state.Lambda));
        json.WriteEndObject();
    }
}
