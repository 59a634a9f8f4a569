using System.Diagnostics;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Grains;

namespace HyperIft.Cli.Commands;

/// <summary>
/// <c>hyperift bench</c>: one hypergradient, cold-started, timed side by side in this process with
/// no grains (the numerical kernels alone) and through the grains (embedded silo or --cluster).
/// The difference is the cost of the distribution: messaging, serialization, scheduling.
/// </summary>
public static class BenchCommand
{
    public const string Summary = "time one hypergradient in process and through the grains, side by side";

    public const string Example =
        "hyperift bench --model logistic --train synthetic:n=200000,p=50 --lambda -3 --shards 2 --repeat 5 --cluster 127.0.0.1:6390";

    public static readonly OptionSpec[] Options =
    [
        .. CommonOptions.Data, .. CommonOptions.Solver,
        new("repeat", "timed repetitions of each side (medians are reported)", "N", "5"),
        new("output", "also write the JSON to this file", "FILE"),
    ];

    public static async Task<int> Run(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.Spec(args);
        var solver = CommonOptions.SolverSettings(args);
        int repeat = args.Int("repeat", 5, min: 1);

        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.String("cluster")), ct);
        var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>($"bench-{Guid.NewGuid():N}");
        var info = await coordinator.Configure(spec);
        var lambda = ProblemOptions.Lambda(args, info);
        var local = LocalProblem.Objective(spec);
        var zerosTheta = new double[info.ParameterCount];

        var localRuns = new List<(double Seconds, int Products)>();
        var grainRuns = new List<(double Seconds, int Products)>();
        for (int r = 0; r < repeat + 1; r++) // the first round warms up the JIT on both sides
        {
            var clock = Stopwatch.StartNew();
            var result = await solver.Build().Compute(local, lambda, ct: ct);
            var localRun = (clock.Elapsed.TotalSeconds, result.HessianProducts);

            clock.Restart();
            // Explicit zero warm starts: every run starts cold, like the local one.
            var reply = await coordinator.Hypergradient(new HypergradientRequest(
                await VectorTransfer.Send(coordinator, lambda), Conversions.ToSpec(solver),
                await VectorTransfer.Send(coordinator, zerosTheta), await VectorTransfer.Send(coordinator, zerosTheta)));
            await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
            var grainRun = (clock.Elapsed.TotalSeconds, reply.HessianProducts);
            if (r == 0) continue;
            localRuns.Add(localRun);
            grainRuns.Add(grainRun);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {r}/{repeat}: in process {localRun.Item1:F3} s ({localRun.Item2} HVPs), grains {grainRun.Item1:F3} s ({grainRun.Item2} HVPs)"));
        }

        double localMedian = Median(localRuns.Select(x => x.Seconds)), grainMedian = Median(grainRuns.Select(x => x.Seconds));
        int localHvps = localRuns[0].Products, grainHvps = grainRuns[0].Products;
        string json = HypergradientReport.Json(w =>
        {
            w.WriteString("model", info.Model);
            w.WriteString("hyper", info.Hyper);
            w.WriteNumber("n", info.TrainRows);
            w.WriteNumber("p", info.Features);
            w.WriteNumber("shards", info.Shards);
            w.WriteString("cluster", cluster.Description);
            w.WriteNumber("repeat", repeat);
            w.WriteNumber("inProcessSeconds", Math.Round(localMedian, 6));
            w.WriteNumber("grainsSeconds", Math.Round(grainMedian, 6));
            w.WriteNumber("hessianProducts", grainHvps);
            w.WriteNumber("inProcessMsPerHvp", Math.Round(1000 * localMedian / localHvps, 4));
            w.WriteNumber("grainsMsPerHvp", Math.Round(1000 * grainMedian / grainHvps, 4));
            w.WriteNumber("ratio", Math.Round(grainMedian / localMedian, 4));
            w.WriteNumber("distributionShare", Math.Round(1 - localMedian / grainMedian, 4));
        }, indented: !args.Flag("json"));
        if (localHvps != grainHvps)
            stderr.WriteLine($"note: {localHvps} HVPs in process vs {grainHvps} through the grains (different rounding paths)");
        stdout.WriteLine(json);
        if (args.String("output") is { } file) File.WriteAllText(file, json + Environment.NewLine);
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
