using System.Diagnostics;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift hypergrad</c>: one hypergradient at a given λ (SPEC §5).</summary>
public static class HypergradCommand
{
    public const string Summary = "compute one hypergradient dg/dλ at a given λ";

    public const string Example =
        "hyperift hypergrad --model logistic --hyper l2 --train train.csv --val val.csv --lambda -2 --json";

    public static readonly OptionSpec[] Options = [.. CommonOptions.Data, .. CommonOptions.Solver];

    public static async Task<int> Run(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var loaded = ProblemLoader.Load(args, stderr);
        var settings = CommonOptions.SolverSettings(args);
        int shards = args.Int("shards", 1, min: 1);
        var objective = new LocalObjective(loaded.Problem, shards);

        var clock = Stopwatch.StartNew();
        var result = await settings.Build().Compute(objective, loaded.Lambda, ct: ct);
        double seconds = clock.Elapsed.TotalSeconds;

        foreach (var warning in HypergradientReport.Warnings(result)) stderr.WriteLine(warning);
        if (args.Flag("json"))
            stdout.WriteLine(HypergradientReport.Json(json => HypergradientReport.WriteFields(json, loaded, result, shards, seconds)));
        else
            HypergradientReport.WriteHuman(stdout, loaded, result, shards, seconds);
        return 0;
    }
}
