using System.CommandLine;
using System.Diagnostics;
using HyperIft.Abstractions;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift hypergrad</c>: one hypergradient at a given λ (SPEC §5), computed by the grains.</summary>
public static class HypergradCommand
{
    public const string Summary = "compute one hypergradient dg/dλ at a given λ";

    public const string Example =
        "hyperift hypergrad --model logistic --hyper l2 --train train.csv --val val.csv --lambda -2 --json";

    public static readonly CliCommand Command = new("hypergrad", Summary, Example, [.. CommonOptions.Data, .. CommonOptions.Solving, ConfigFile.Option], Run);

    public static async Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.Spec(args);
        var solver = CommonOptions.SolverSettings(args);
        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.GetValue(CommonOptions.Cluster)), ct);
        var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>($"hypergrad-{Guid.NewGuid():N}");

        var info = await coordinator.Configure(spec).WaitAsync(ct);
        stderr.WriteLine($"train: {info.TrainSource} ({info.TrainRows} rows × {info.Features} features); val: {info.ValidationSource} ({info.ValidationRows} rows); {info.Shards} shards on {cluster.Description}");
        var lambda = ProblemOptions.Lambda(args, info);

        var clock = Stopwatch.StartNew();
        var reply = await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), solver, null, null)).WaitAsync(ct);
        var hypergradient = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
        double seconds = clock.Elapsed.TotalSeconds;

        foreach (var warning in HypergradientReport.Warnings(reply)) stderr.WriteLine(warning);
        if (args.GetValue(CommonOptions.Json))
            stdout.WriteLine(CliJson.Write(HypergradientReport.Of(info, reply, hypergradient, seconds), CliJson.Types.ResultJson));
        else
            HypergradientReport.WriteHuman(stdout, info, reply, hypergradient, seconds);
        return 0;
    }
}
