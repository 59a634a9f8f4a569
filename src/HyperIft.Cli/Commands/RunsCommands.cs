using System.CommandLine;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Data;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift runs list|show|watch|pause|resume|cancel</c>: the runs of a cluster.</summary>
public static class RunsCommands
{
    public static readonly Argument<string> RunId = Declare.Positional("RUN-ID", "the run's id (see 'hyperift runs list')", RunIds.Problem);
    public static readonly Option<string> LambdaOut = Declare.Text("--lambda-out", "FILE", "write the run's current λ to FILE, one value per line (loadable by --lambda-file)");

    /// <summary>How long a command rides out a silo that is dying or restarting before it gives up (exit 3).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public const string ListSummary = "list the runs of a cluster";
    public const string ShowSummary = "show one run: status, progress, best step, λ";
    public const string WatchSummary = "follow a run until it ends (Ctrl-C detaches)";
    public const string PauseSummary = "pause a run after its current step";
    public const string ResumeSummary = "resume a paused run";
    public const string CancelSummary = "cancel a run (its last λ is kept)";

    /// <summary><c>hyperift runs ...</c>: the group of the commands below.</summary>
    public static Command Group() => new("runs", "the runs of a cluster: list, show, follow, pause, resume, cancel")
    {
        new CliCommand("list", ListSummary, "hyperift runs list --cluster 127.0.0.1:6390", Options, List),
        new CliCommand("show", ShowSummary, "hyperift runs show RUN-ID --lambda-out lambda.txt --cluster 127.0.0.1:6390", [.. Options, LambdaOut], Show, RunId),
        new CliCommand("watch", WatchSummary, "hyperift runs watch RUN-ID --cluster 127.0.0.1:6390", Options, Watch, RunId),
        new CliCommand("pause", PauseSummary, "hyperift runs pause RUN-ID --cluster 127.0.0.1:6390", Options, Pause, RunId),
        new CliCommand("resume", ResumeSummary, "hyperift runs resume RUN-ID --cluster 127.0.0.1:6390", Options, Resume, RunId),
        new CliCommand("cancel", CancelSummary, "hyperift runs cancel RUN-ID --cluster 127.0.0.1:6390", Options, Cancel, RunId),
    };

    private static readonly Option[] Options = [CommonOptions.Cluster, CommonOptions.Json];

    public static async Task<int> List(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var cluster = await Connect(args, ct);
        var remembered = await Retry(cluster, () => cluster.Grains.GetGrain<IRunRegistryGrain>(0).List(), ct);
        var runs = await Task.WhenAll(remembered.Select(r => Current(cluster.Grains, r)));
        if (args.GetValue(CommonOptions.Json))
        {
            stdout.WriteLine(CliJson.Write(new RunListJson(runs.Select(RunSummaryJson.Of).ToArray()), CliJson.Types.RunListJson));
            return 0;
        }
        if (runs.Length == 0)
        {
            stdout.WriteLine($"no runs on {cluster.Description}");
            return 0;
        }
        stdout.WriteLine($"{"RUN",-40} {"STATUS",-10} {"STEP",9} {"MODEL/HYPER",-26} SILO");
        foreach (var r in runs)
            stdout.WriteLine($"{r.RunId,-40} {r.Status.ToString().ToLowerInvariant(),-10} {$"{r.Step}/{r.Steps}",9} {$"{r.Model}/{r.Hyper}",-26} {r.Silo}");
        return 0;
    }

    public static async Task<int> Show(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string runId = args.GetValue(RunId)!;
        await using var cluster = await Connect(args, ct);
        var run = await Retry(cluster, () => cluster.Grains.GetGrain<ITunerGrain>(runId).Status(0), ct);
        double[]? lambda = null;
        string? missing = null;
        try
        {
            lambda = await Retry(cluster, () => RunClient.Lambda(cluster.Grains, runId), ct);
        }
        catch (ComputationFailedException e)
        {
            // λ held by the shards of a run that cannot give it any more: the status still says why.
            missing = e.Message;
        }
        string? lambdaOut = args.GetValue(LambdaOut);
        int exit = lambdaOut is not null && lambda is null ? 1 : 0; // the file asked for cannot be written
        if (lambdaOut is not null && lambda is null)
            stderr.WriteLine($"hyperift runs show: λ of run {runId} is not available, so --lambda-out {lambdaOut} is not written: {missing}");
        else if (lambdaOut is not null)
        {
            try
            {
                LambdaFile.Write(lambdaOut, lambda!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write --lambda-out {lambdaOut}: {e.Message}");
            }
            stderr.WriteLine($"λ ({lambda!.Length} values, step {run.Step}) written to {Path.GetFullPath(lambdaOut)}");
        }
        if (args.GetValue(CommonOptions.Json))
        {
            stdout.WriteLine(CliJson.Write(RunJson.Of(run, lambda, missing), CliJson.Types.RunJson));
            return exit;
        }
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"run      {run.RunId}");
        stdout.WriteLine($"status   {run.Status.ToString().ToLowerInvariant()}{(run.Reason is null ? "" : $": {run.Reason}")}");
        stdout.WriteLine($"step     {run.Step}/{run.Steps} on silo {run.Silo}{(run.Recoveries > 0 ? $" (resumed {run.Recoveries}×)" : "")}");
        if (run.Info is { } i)
            stdout.WriteLine($"problem  {i.Model}/{i.Hyper}: n = {i.TrainRows}, m = {i.ValidationRows}, p = {i.Features}, |λ| = {i.HyperCount}, {i.Shards} shards");
        if (run.History.Count > 0)
        {
            var best = run.History.MinBy(r => r.ValidationLoss)!;
            stdout.WriteLine(string.Create(inv, $"val loss {run.History[0].ValidationLoss:G8} → {run.History[^1].ValidationLoss:G8} (best {best.ValidationLoss:G8} at step {best.Step})"));
        }
        stdout.WriteLine($"λ        {RunJson.LambdaText(lambda, missing)}");
        return exit;
    }

    public static async Task<int> Watch(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string runId = args.GetValue(RunId)!;
        await using var cluster = await Connect(args, ct);
        await Retry(cluster, () => cluster.Grains.GetGrain<ITunerGrain>(runId).Status(int.MaxValue), ct); // an unknown id fails here, clearly
        var (outcome, final) = await RunFollower.Follow(cluster, runId, stderr, ct);
        if (outcome != FollowOutcome.Finished) return outcome == FollowOutcome.Detached ? 0 : 130;
        stdout.WriteLine($"run {runId} {final!.Status.ToString().ToLowerInvariant()}{(final.Reason is null ? "" : $": {final.Reason}")}");
        return final.Status == RunStatus.Completed ? 0 : 1;
    }

    public static Task<int> Pause(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "pause", stdout, t => t.Pause(), ct);

    public static Task<int> Resume(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "resume", stdout, t => t.Resume(), ct);

    public static Task<int> Cancel(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "cancel", stdout, t => t.Cancel("cancelled by 'hyperift runs cancel'"), ct);

    private static async Task<int> Control(ParseResult args, string verb, TextWriter stdout, Func<ITunerGrain, Task> action, CancellationToken ct)
    {
        string runId = args.GetValue(RunId)!;
        await using var cluster = await Connect(args, ct);
        var tuner = cluster.Grains.GetGrain<ITunerGrain>(runId);
        await Retry(cluster, () => tuner.Status(int.MaxValue), ct);
        await Retry(cluster, async () => { await action(tuner); return 0; }, ct);
        var run = await Retry(cluster, () => tuner.Status(int.MaxValue), ct);
        stdout.WriteLine($"run {runId}: {run.Status.ToString().ToLowerInvariant()} at step {run.Step}/{run.Steps}");
        return 0;
    }

    /// <summary>
    /// A finished run is listed as the registry remembers it; only an active run (whose tuner is awake
    /// anyway) is asked for its current step. One that does not answer in time is listed as remembered.
    /// </summary>
    private static async Task<RunSummary> Current(IGrainFactory grains, RunSummary run)
    {
        if (run.Status is not (RunStatus.Running or RunStatus.Paused)) return run;
        try
        {
            var now = await grains.GetGrain<ITunerGrain>(run.RunId).Status(int.MaxValue);
            return run with { Status = now.Status, Reason = now.Reason, Step = now.Step, Silo = now.Silo };
        }
        catch (Exception e) when (TransientFailures.IsTransient(e))
        {
            return run;
        }
    }

    /// <summary>Every call here is idempotent, so one whose gateway dies is sent again; a dying silo is ridden out for <see cref="Patience"/>.</summary>
    private static Task<T> Retry<T>(ClusterConnection cluster, Func<Task<T>> call, CancellationToken ct) =>
        TransientFailures.Retry(call, Patience, ct, cluster.GatewayLost);

    private static async Task<ClusterConnection> Connect(ParseResult args, CancellationToken ct)
    {
        string cluster = ClusterConnection.Named(args.GetValue(CommonOptions.Cluster))
            ?? throw new UsageException($"runs live on a cluster: give --cluster or set {ClusterConnection.EnvironmentVariable} (a run on the embedded silo ends with its process)");
        return await ClusterConnection.Open(cluster, ct);
    }
}

/// <summary><c>runs list --json</c>.</summary>
public sealed record RunListJson(IReadOnlyList<RunSummaryJson> Runs);

/// <summary>A run as the registry remembers it.</summary>
public sealed record RunSummaryJson(string RunId, string Status, string? Reason, int Step, int Steps, string Silo, string? Model, string? Hyper, int LambdaCount)
{
    public static RunSummaryJson Of(RunSummary r) =>
        new(r.RunId, r.Status.ToString().ToLowerInvariant(), r.Reason, r.Step, r.Steps, r.Silo, r.Model, r.Hyper, r.HyperCount);
}

/// <summary><c>runs show --json</c>: a run's status, its steps, and a summary of its current λ.</summary>
public sealed record RunJson(
    string RunId, string Status, string? Reason, int Step, int Steps, string Silo, int Recoveries, string? Model, string? Hyper, int? LambdaCount,
    IReadOnlyList<RunStepJson> History, string LambdaSummary)
{
    public static RunJson Of(RunSnapshot r, double[]? lambda, string? missing = null) =>
        new(r.RunId, r.Status.ToString().ToLowerInvariant(), r.Reason, r.Step, r.Steps, r.Silo, r.Recoveries, r.Info?.Model, r.Info?.Hyper, r.Info?.HyperCount,
            r.History.Select(h => new RunStepJson(h.Step, h.ValidationLoss, h.HypergradientNorm, h.CgIterations)).ToArray(),
            LambdaText(lambda, missing));

    /// <summary>λ's summary, or why there is none (a run whose λ is held by shards that cannot give it).</summary>
    public static string LambdaText(double[]? lambda, string? missing) =>
        lambda is null ? $"unavailable: {missing}" : HypergradientReport.Summary(lambda);
}

public sealed record RunStepJson(int Step, double ValidationLoss, double HypergradientNorm, int CgIterations);
