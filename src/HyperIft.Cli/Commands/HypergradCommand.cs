using System.CommandLine;
using System.Diagnostics;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift hypergrad</c>: one hypergradient at a given λ (SPEC §5), computed by the grains.</summary>
public static class HypergradCommand
{
    public const string Summary = "compute one hypergradient dg/dλ at a given λ";

    public const string Example =
        "hyperift hypergrad --model logistic --hyper l2 --train train.csv --val val.csv --lambda -2 --json";

    public static readonly Option<string> ThetaOut = Declare.Text("--theta-out", "FILE", "write θ*(λ) there, one value per line (the layout of SPEC §7)");

    public static readonly CliCommand Command = new("hypergrad", Summary, Example, [.. CommonOptions.Data, .. CommonOptions.Solving, ThetaOut, ConfigFile.Option], Run);

    public static async Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.Spec(args);
        var solver = CommonOptions.SolverSettings(args);
        string? thetaOut = args.GetValue(ThetaOut);
        if (thetaOut is not null) ResultsFolder.CheckWritable(thetaOut, "--theta-out");
        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.GetValue(CommonOptions.Cluster)), ct);
        var (coordinator, info) = await Configure(cluster, spec, stderr, ct);
        var lambda = ProblemOptions.Lambda(args, info, spec);

        var (reply, hypergradient, seconds) = await At(coordinator, lambda, solver, cluster.GatewayLost, ct);
        if (thetaOut is not null) LambdaFile.Write(thetaOut, await VectorTransfer.Fetch(coordinator, reply.Theta));

        foreach (var warning in HypergradientReport.Warnings(reply)) stderr.WriteLine(warning);
        if (args.GetValue(CommonOptions.Json))
            stdout.WriteLine(CliJson.Write(HypergradientReport.Of(info, spec, solver, reply, hypergradient, seconds), CliJson.Types.ResultJson));
        else
            HypergradientReport.WriteHuman(stdout, info, reply, hypergradient, seconds);
        return 0;
    }

    /// <summary>A coordinator of its own with the problem's shards opened; says on stderr what it holds.</summary>
    internal static async Task<(ICoordinatorGrain Coordinator, ProblemInfo Info)> Configure(
        ClusterConnection cluster, ProblemSpec spec, TextWriter stderr, CancellationToken ct)
    {
        var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>($"hypergrad-{Guid.NewGuid():N}");
        // A silo that dies while the shards are being opened is ridden out: Configure starts afresh.
        var info = await TransientFailures.Retry(() => coordinator.Configure(spec), TransientFailures.ConfigurePatience, ct,
            cluster.GatewayLost).WaitAsync(ct);
        stderr.WriteLine($"train: {info.TrainSource} ({info.TrainRows} rows × {info.Features} features); val: {info.ValidationSource} ({info.ValidationRows} rows); {info.Shards} shards on {cluster.Description}");
        return (coordinator, info);
    }

    /// <summary>
    /// The hypergradient at λ on a configured coordinator, with its values and the wall time it took; asked again
    /// if the gateway it went through dies (<see cref="TransientFailures.Resend"/>): a hypergradient is idempotent.
    /// </summary>
    internal static async Task<(HypergradientReply Reply, double[] Hypergradient, double Seconds)> At(
        ICoordinatorGrain coordinator, double[] lambda, SolverSettings solver, Func<CancellationToken>? gatewayLost, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reply = await TransientFailures.Resend(async () => await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), solver, null, null)), gatewayLost, TransientFailures.ResendPatience, ct).WaitAsync(ct);
        var hypergradient = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
        return (reply, hypergradient, clock.Elapsed.TotalSeconds);
    }
}
