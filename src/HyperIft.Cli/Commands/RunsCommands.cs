using System.Globalization;
using System.Text.Json;
using HyperIft.Abstractions;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift runs list|show|watch|pause|resume|cancel</c>: the runs of a cluster.</summary>
public static class RunsCommands
{
    public static readonly OptionSpec Cluster = CommonOptions.Solver.Single(o => o.Name == "cluster");
    public static readonly OptionSpec Json = CommonOptions.Solver.Single(o => o.Name == "json");
    public static readonly OptionSpec[] Options = [Cluster, Json];

    public const string ListSummary = "list the runs of a cluster";
    public const string ShowSummary = "show one run: status, progress, best step, λ";
    public const string WatchSummary = "follow a run until it ends (Ctrl-C detaches)";
    public const string PauseSummary = "pause a run after its current step";
    public const string ResumeSummary = "resume a paused run";
    public const string CancelSummary = "cancel a run (its last λ is kept)";

    public static async Task<int> List(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var cluster = await Connect(args, ct);
        var ids = await cluster.Grains.GetGrain<IRunRegistryGrain>(0).All();
        var runs = await Task.WhenAll(ids.Select(id => cluster.Grains.GetGrain<ITunerGrain>(id).Status(int.MaxValue)));
        if (args.Flag("json"))
        {
            stdout.WriteLine(HypergradientReport.Json(w =>
            {
                w.WriteStartArray("runs");
                foreach (var r in runs)
                {
                    w.WriteStartObject();
                    WriteRun(w, r, withHistory: false);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
            return 0;
        }
        if (runs.Length == 0)
        {
            stdout.WriteLine($"no runs on {cluster.Description}");
            return 0;
        }
        stdout.WriteLine($"{"RUN",-40} {"STATUS",-10} {"STEP",9} {"MODEL/HYPER",-26} SILO");
        foreach (var r in runs)
            stdout.WriteLine($"{r.RunId,-40} {r.Status.ToString().ToLowerInvariant(),-10} {$"{r.Step}/{r.Steps}",9} {$"{r.Info?.Model}/{r.Info?.Hyper}",-26} {r.Silo}");
        return 0;
    }

    public static async Task<int> Show(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string runId = RunId(args, "show");
        await using var cluster = await Connect(args, ct);
        var run = await cluster.Grains.GetGrain<ITunerGrain>(runId).Status(0);
        var lambda = await RunClient.Lambda(cluster.Grains, runId);
        if (args.Flag("json"))
        {
            stdout.WriteLine(HypergradientReport.Json(w =>
            {
                WriteRun(w, run, withHistory: true);
                w.WriteString("lambdaSummary", HypergradientReport.Summary(lambda));
            }));
            return 0;
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
        stdout.WriteLine($"λ        {HypergradientReport.Summary(lambda)}");
        return 0;
    }

    public static async Task<int> Watch(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string runId = RunId(args, "watch");
        await using var cluster = await Connect(args, ct);
        await cluster.Grains.GetGrain<ITunerGrain>(runId).Status(int.MaxValue); // an unknown id fails here, clearly
        var (outcome, final) = await RunFollower.Follow(cluster, runId, stderr, ct);
        if (outcome != FollowOutcome.Finished) return outcome == FollowOutcome.Detached ? 0 : 130;
        stdout.WriteLine($"run {runId} {final!.Status.ToString().ToLowerInvariant()}{(final.Reason is null ? "" : $": {final.Reason}")}");
        return final.Status == RunStatus.Completed ? 0 : 1;
    }

    public static Task<int> Pause(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "pause", stdout, t => t.Pause(), ct);

    public static Task<int> Resume(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "resume", stdout, t => t.Resume(), ct);

    public static Task<int> Cancel(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Control(args, "cancel", stdout, t => t.Cancel(), ct);

    private static async Task<int> Control(ParsedArgs args, string verb, TextWriter stdout, Func<ITunerGrain, Task> action, CancellationToken ct)
    {
        string runId = RunId(args, verb);
        await using var cluster = await Connect(args, ct);
        var tuner = cluster.Grains.GetGrain<ITunerGrain>(runId);
        await tuner.Status(int.MaxValue);
        await action(tuner);
        var run = await tuner.Status(int.MaxValue);
        stdout.WriteLine($"run {runId}: {run.Status.ToString().ToLowerInvariant()} at step {run.Step}/{run.Steps}");
        return 0;
    }

    private static string RunId(ParsedArgs args, string verb) =>
        args.Positionals.Count == 1
            ? args.Positionals[0]
            : throw new UsageException($"'runs {verb}' takes one run id (see 'hyperift runs list')");

    private static async Task<ClusterConnection> Connect(ParsedArgs args, CancellationToken ct)
    {
        string cluster = ClusterConnection.Named(args.String("cluster"))
            ?? throw new UsageException($"runs live on a cluster: give --cluster or set {ClusterConnection.EnvironmentVariable} (a run on the embedded silo ends with its process)");
        return await ClusterConnection.Open(cluster, ct);
    }

    private static void WriteRun(Utf8JsonWriter w, RunSnapshot r, bool withHistory)
    {
        w.WriteString("runId", r.RunId);
        w.WriteString("status", r.Status.ToString().ToLowerInvariant());
        if (r.Reason is not null) w.WriteString("reason", r.Reason);
        w.WriteNumber("step", r.Step);
        w.WriteNumber("steps", r.Steps);
        w.WriteString("silo", r.Silo);
        w.WriteNumber("recoveries", r.Recoveries);
        if (r.Info is { } i)
        {
            w.WriteString("model", i.Model);
            w.WriteString("hyper", i.Hyper);
            w.WriteNumber("lambdaCount", i.HyperCount);
        }
        if (withHistory)
        {
            w.WriteStartArray("history");
            foreach (var h in r.History)
            {
                w.WriteStartObject();
                w.WriteNumber("step", h.Step);
                w.WriteNumber("validationLoss", h.ValidationLoss);
                w.WriteNumber("hypergradientNorm", h.HypergradientNorm);
                w.WriteNumber("cgIterations", h.CgIterations);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }
}
