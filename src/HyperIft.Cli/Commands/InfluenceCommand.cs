using System.CommandLine;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Data;

namespace HyperIft.Cli.Commands;

/// <summary>
/// <c>hyperift influence</c> (SPEC §9): every training row's influence on the validation loss, from
/// one hypergradient of the example weights at λ = 0 (all c_i = 1):
/// influence_i = dg/dλ_i = −(c'(0)/n) ∇ℓ_i(θ*)ᵀ H⁻¹ ∇g, with c'(0) = ½. To first order, removing row i
/// (c_i: 1 → 0) changes the validation loss by −2·influence_i (Koh &amp; Liang 2017, with the sign and
/// the 1/n of this objective). Positive: up-weighting the row raises the validation loss.
/// </summary>
public static class InfluenceCommand
{
    public const string Summary = "every training row's influence on the validation loss (one hypergradient at λ = 0)";

    public const string Example =
        "hyperift influence --model softmax --train train.csv --val val.csv --output influence.csv";

    public static readonly Option<string> Output = Declare.Text("--output", "FILE",
        "write row,label,influence there (default: to stdout; with --json, required)");

    private const int Shown = 5;

    public static readonly CliCommand Command = new("influence", Summary, Example,
        [.. CommonOptions.RowWeightsData.Where(o => o != CommonOptions.Lambda && o != CommonOptions.LambdaFile), .. CommonOptions.Solving, Output, ConfigFile.Option], Run);

    public static async Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.RowWeightsSpec(args);
        int firstRow = DataSource.FirstRow(spec.Train.Source);
        var solver = CommonOptions.SolverSettings(args);
        string? output = args.GetValue(Output);
        if (output is not null) ResultsFolder.CheckWritable(output, "--output");
        bool json = args.GetValue(CommonOptions.Json);
        if (json && output is null) throw new UsageException("--json prints a summary, so the rows need --output FILE");
        await using var cluster = await ClusterConnection.Open(ClusterConnection.Named(args.GetValue(CommonOptions.Cluster)), ct);
        var (coordinator, info) = await HypergradCommand.Configure(cluster, spec, stderr, ct);

        var (reply, influence, seconds) = await HypergradCommand.At(coordinator, new double[info.HyperCount], solver, cluster.GatewayLost, ct);
        var labels = await VectorTransfer.Fetch(coordinator, await coordinator.TrainLabels());
        foreach (var warning in HypergradientReport.Warnings(reply)) stderr.WriteLine(warning);

        if (output is null)
        {
            RowTables.WriteInfluence(stdout, firstRow, labels, influence);
            return 0;
        }
        using (var file = new StreamWriter(output)) RowTables.WriteInfluence(file, firstRow, labels, influence);
        if (json) // the rows are in the file: the JSON is the rest
            stdout.WriteLine(CliJson.Write(HypergradientReport.Of(info, spec, solver, reply, influence, seconds) with { Hypergradient = null, Output = Path.GetFullPath(output) },
                CliJson.Types.ResultJson));
        else
            WriteSummary(stdout, info, reply, firstRow, labels, influence, seconds, output);
        return 0;
    }

    private static void WriteSummary(TextWriter stdout, ProblemInfo info, HypergradientReply reply, int firstRow, double[] labels, double[] influence,
        double seconds, string output)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"{info.Model}: n = {info.TrainRows}, m = {info.ValidationRows}; validation loss {reply.ValidationLoss:R} ({seconds:F1} s)"));
        var byInfluence = Enumerable.Range(0, influence.Length).OrderBy(i => influence[i]).ThenBy(i => i).ToArray();
        stdout.WriteLine("most harmful rows (up-weighting raises the validation loss):");
        foreach (int i in byInfluence.Reverse().Take(Shown))
            stdout.WriteLine(string.Create(inv, $"  row {firstRow + i,8}  label {labels[i],4:R}  influence {influence[i]:E3}"));
        stdout.WriteLine("most helpful rows:");
        foreach (int i in byInfluence.Take(Shown))
            stdout.WriteLine(string.Create(inv, $"  row {firstRow + i,8}  label {labels[i],4:R}  influence {influence[i]:E3}"));
        stdout.WriteLine($"rows: {Path.GetFullPath(output)}");
    }
}
