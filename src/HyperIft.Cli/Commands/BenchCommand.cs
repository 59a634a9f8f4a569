using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Grains;

namespace HyperIft.Cli.Commands;

/// <summary>
/// <c>hyperift bench</c>: one hypergradient, cold-started, timed side by side in this process with
/// no grains (the numerical kernels alone) and through the grains (embedded silo or --cluster), for
/// each shard count asked for. The difference is the cost of distribution: messaging,
/// serialization, scheduling.
/// </summary>
public static class BenchCommand
{
    public const string Summary = "time one hypergradient in process and through the grains, side by side";

    public const string Example =
        "hyperift bench --model logistic --train synthetic:n=200000,p=50 --lambda -3 --shard-counts 1,2,4 --repeat 5 --cluster 127.0.0.1:6390";

    public static readonly Option<int[]> ShardCounts = Declare.Valued("--shard-counts", "LIST", "shard counts to measure, e.g. 1,2,4 (default: --shards)", ParseShardCounts);
    public static readonly Option<int> Repeat = Declare.Int("--repeat", "N", "timed repetitions of each side (medians are reported)", 5, min: 1);
    public static readonly Option<string> Output = Declare.Text("--output", "FILE", "also write the JSON to this file");

    public static readonly CliCommand Command = new("bench", Summary, Example, [.. CommonOptions.Data, .. CommonOptions.Solving, ShardCounts, Repeat, Output], Run);

    public static async Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.Spec(args);
        var solver = CommonOptions.SolverSettings(args);
        int repeat = args.GetValue(Repeat);
        var counts = args.GetValue(ShardCounts) is { Length: > 0 } given ? given : [spec.Shards];

        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.GetValue(CommonOptions.Cluster)), ct);
        var rows = new List<BenchRowJson>();
        ProblemInfo? info = null;
        foreach (int shards in counts)
        {
            var sharded = spec with { Shards = shards };
            var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>($"bench-{Guid.NewGuid():N}");
            info = await coordinator.Configure(sharded);
            var lambda = ProblemOptions.Lambda(args, info, spec);
            var local = ProblemBuilder.Local(sharded);
            var zeros = new double[info.ParameterCount];

            var localTimes = new List<double>();
            var grainTimes = new List<double>();
            int hvps = 0;
            long vectorBytes = 0;
            for (int r = 0; r <= repeat; r++) // round 0 warms up the JIT on both sides
            {
                var clock = Stopwatch.StartNew();
                var result = await solver.Build(local.Convex).Compute(local, lambda, ct: ct);
                double inProcess = clock.Elapsed.TotalSeconds;

                clock.Restart();
                long movedBefore = VectorTransfer.ValuesMoved;
                // Explicit zero warm starts: every run starts cold, like the local one.
                var reply = await coordinator.Hypergradient(new HypergradientRequest(
                    await VectorTransfer.Send(coordinator, lambda), solver,
                    await VectorTransfer.Send(coordinator, zeros), await VectorTransfer.Send(coordinator, zeros)));
                await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
                double grains = clock.Elapsed.TotalSeconds;
                if (r == 0) continue;
                hvps = reply.HessianProducts;
                // In this process: all of it on the embedded silo, only the client's part on a cluster.
                vectorBytes = 8 * (VectorTransfer.ValuesMoved - movedBefore);
                localTimes.Add(inProcess);
                grainTimes.Add(grains);
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{shards} shards, round {r}/{repeat}: in process {inProcess:F3} s ({result.HessianProducts} HVPs), grains {grains:F3} s ({reply.HessianProducts} HVPs)"));
            }
            rows.Add(BenchRowJson.Of(shards, Median(localTimes), Median(grainTimes), hvps, cluster.IsEmbedded ? vectorBytes : null));
        }

        string json = CliJson.Write(new BenchJson(info!.Model, info.Hyper, info.TrainRows, info.Features, cluster.Description, repeat, rows),
            CliJson.Types.BenchJson, indented: !args.GetValue(CommonOptions.Json));
        stdout.WriteLine(json);
        if (args.GetValue(Output) is { } file) File.WriteAllText(file, json + Environment.NewLine);
        return 0;
    }

    private static int[] ParseShardCounts(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, out int k) && k >= 1 ? k : throw new UsageException($"--shard-counts '{list}': '{c}' is not a shard count"))
            .ToArray();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}

/// <summary><c>hyperift bench</c>'s result: the problem, where it ran, and one row per shard count.</summary>
public sealed record BenchJson(string Model, string Hyper, int N, int P, string Cluster, int Repeat, IReadOnlyList<BenchRowJson> Runs);

/// <summary>Median seconds of each side for one shard count, per Hessian-vector product, and their ratio; the vector bytes one hypergradient moved (embedded silo only).</summary>
public sealed record BenchRowJson(
    int Shards, double InProcessSeconds, double GrainsSeconds, int HessianProducts, double InProcessMsPerHvp, double GrainsMsPerHvp,
    double Ratio, double DistributionShare, long? VectorBytes)
{
    public static BenchRowJson Of(int shards, double inProcess, double grains, int hvps, long? vectorBytes) => new(
        shards, Math.Round(inProcess, 6), Math.Round(grains, 6), hvps, Math.Round(1000 * inProcess / hvps, 4),
        Math.Round(1000 * grains / hvps, 4), Math.Round(grains / inProcess, 4), Math.Round(1 - inProcess / grains, 4), vectorBytes);
}
