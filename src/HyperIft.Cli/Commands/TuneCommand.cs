using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli.Commands;

/// <summary>
/// <c>hyperift tune</c>: starts a run on the tuner grain, follows it, and writes its results folder.
/// The run itself lives on the cluster (or the embedded silo) and persists after every step.
/// </summary>
public static class TuneCommand
{
    public const string Summary = "tune λ by hypergradient steps and write a results folder";

    public const string Example =
        "hyperift tune --model logistic --hyper l2-feature --train synthetic:n=2000,p=40 --steps 30 --outer-lr 0.2 --output results/demo";

    /// <summary>Above this many entries the JSON names lambda.txt instead of listing λ.</summary>
    public const int InlineLambdaLimit = 1000;

    public static readonly Option<int> Steps = Declare.Int("--steps", "N", "outer steps", 20, min: 1);
    public static readonly Option<string> Optimizer = Declare.Choice("--optimizer", "NAME", OuterOptimizerFactory.Names, Declare.Alternatives(OuterOptimizerFactory.Names), "adam");
    public static readonly Option<double> OuterLr = Declare.Double("--outer-lr", "ETA", "outer learning rate η", 0.1, positive: true);
    public static readonly Option<string> TolSchedule = Declare.Choice("--tol-schedule", "NAME", ToleranceSchedule.Names,
        "constant | hoag (inner and CG tolerances start at 1e-4 and shrink ×0.7 a step to --tol)", "constant");
    public static readonly Option<string> Output = Declare.Text("--output", "DIR", "results folder (default: results/RUN-ID)");
    public static readonly Option<bool> Overwrite = Declare.Flag("--overwrite", "allow writing into a results folder that already holds a run");
    public static readonly Option<string> RunId = Declare.Text("--run-id", "ID", "name of the run on the cluster (default: MODEL-KIND-TIMESTAMP)", problem: RunIds.Problem);
    public static readonly Option<bool> Detach = Declare.Flag("--detach", "start the run on the cluster, print its id and leave it running");
    public static readonly Option<string> Test = Declare.Text("--test", "SOURCE", "a held-out test set to score the final θ on (read by this process): loss and accuracy or RMSE");

    public static readonly CliCommand Command = new("tune", Summary, Example,
        [.. CommonOptions.Data, .. CommonOptions.Solving, Steps, Optimizer, OuterLr, TolSchedule, Output, Overwrite, RunId, Detach, Test, ConfigFile.Option], Run);

    public static Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var problem = ProblemOptions.Spec(args);
        return Run("tune", args, problem, LearnedData.For(problem), stdout, stderr, ct);
    }

    /// <summary>The tuning run of <paramref name="problem"/>, with what a command built on tune adds to it.</summary>
    internal static async Task<int> Run(string command, ParseResult args, ProblemSpec problem, ITuneExtension? extension,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var outer = new OuterSpec(args.GetValue(Steps), args.GetValue(Optimizer)!, args.GetValue(OuterLr), args.GetValue(TolSchedule)!);
        var spec = new RunSpec(problem, CommonOptions.SolverSettings(args), outer);
        string runId = args.GetValue(RunId) ?? $"{problem.Model}-{problem.Hyper}-{DateTime.Now:yyyyMMdd-HHmmss}-{Random.Shared.Next(1000):D3}";
        bool detach = args.GetValue(Detach);
        string output = detach ? "" : ResultsFolder.Prepare(args.GetValue(Output) ?? Path.Combine("results", runId), args.GetValue(Overwrite));

        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.GetValue(CommonOptions.Cluster)), ct);
        if (detach && cluster.IsEmbedded)
            throw new UsageException("--detach needs a cluster (--cluster or HYPERIFT_CLUSTER): a run on the embedded silo ends with this process");
        var clock = Stopwatch.StartNew();
        TestSet? test = null;
        var info = await RunClient.Start(cluster.Grains, runId, spec, async i =>
        {
            // Everything that could fail after the tuning is checked before its first step.
            if (args.GetValue(Test) is { } testSource)
                test = TestSet.Load(testSource, problem, i, await cluster.Grains.GetGrain<ICoordinatorGrain>(runId).Standardization());
            var lambda = ProblemOptions.Lambda(args, i, problem);
            if (extension is not null) await extension.BeforeStart(cluster, runId, i, test, ct);
            return lambda;
        }, ct, cluster.GatewayLost).WaitAsync(ct);
        stderr.WriteLine($"run {runId}: {info.Model}/{info.Hyper}, n = {info.TrainRows}, m = {info.ValidationRows}, p = {info.Features}, |λ| = {info.HyperCount}, {info.Shards} shards on {cluster.Description}");
        if (detach)
        {
            stdout.WriteLine(runId);
            stderr.WriteLine($"detached; follow it with 'hyperift runs watch {runId}{cluster.Option}'");
            return 0;
        }

        var (outcome, final) = await RunFollower.Follow(cluster, runId, stderr, ct);
        if (outcome == FollowOutcome.Detached && extension is not null) stderr.WriteLine(extension.Detached(runId, cluster.Option));
        if (outcome != FollowOutcome.Finished) return outcome == FollowOutcome.Detached ? 0 : 130;
        double seconds = clock.Elapsed.TotalSeconds;

        var lambda = await RunClient.Lambda(cluster.Grains, runId);
        var evaluation = await RunClient.FinalEvaluation(cluster.Grains, runId);
        var scored = evaluation is not null && test is not null ? (test.Source, test.Evaluate(evaluation.Theta)) : ((string, Numerics.Models.EvaluationMetrics)?)null;
        var report = new RunReport(final!, lambda, evaluation, scored, spec, seconds, output);
        if (!ResultsFolder.TryWrite(report, extension, out string? writeError))
        {
            stderr.WriteLine($"hyperift {command}: run {runId} {final!.Status.ToString().ToLowerInvariant()}, but its results could not be written to {Path.GetFullPath(output)}: {writeError}");
            stderr.WriteLine(cluster.IsEmbedded
                ? $"λ is printed below, one value per line (the embedded silo ends with this process)"
                : $"the run is kept on the cluster: 'hyperift runs show {runId} --lambda-out FILE{cluster.Option}' fetches its λ");
            if (cluster.IsEmbedded) foreach (var l in lambda) stdout.WriteLine(l.ToString("R", CultureInfo.InvariantCulture));
            return 1;
        }
        if (final!.Status != RunStatus.Completed)
        {
            stderr.WriteLine($"hyperift {command}: run {runId} {final.Status.ToString().ToLowerInvariant()}: {final.Reason}; its last good λ is in {Path.GetFullPath(output)}");
            return 1;
        }
        foreach (var warning in HypergradientReport.Warnings(evaluation!.Reply)) stderr.WriteLine(warning);

        if (args.GetValue(CommonOptions.Json))
            stdout.WriteLine(CliJson.Write(ResultsFolder.Result(report, extension), CliJson.Types.ResultJson));
        else
        {
            var reply = evaluation.Reply;
            double first = final.History.Count > 0 ? final.History[0].ValidationLoss : reply.ValidationLoss;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"validation loss {first:R} → {reply.ValidationLoss:R} in {final.Steps} steps ({seconds:F1} s)"));
            if (scored is { } t)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"test ({t.Item1}): loss {t.Item2.Loss:F6}{(t.Item2.Accuracy is { } acc ? $", accuracy {acc:P2}" : "")}{(t.Item2.Rmse is { } rmse ? $", RMSE {rmse:G6}" : "")}"));
            stdout.WriteLine($"λ: {HypergradientReport.Summary(lambda)}");
            extension?.WriteSummary(stdout, report);
            stdout.WriteLine($"results: {Path.GetFullPath(output)}");
        }
        return 0;
    }
}
