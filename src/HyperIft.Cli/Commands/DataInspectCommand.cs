using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using HyperIft.Data;
using HyperIft.Numerics.Models;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift data inspect SOURCE</c>: what a data file holds, before tuning on it.</summary>
public static class DataInspectCommand
{
    public const string Summary = "show a data set's rows, features, labels, sparsity and NaN/Inf count";

    public const string Example = "hyperift data inspect train.csv";

    public static readonly Argument<string> Source = Declare.Positional("SOURCE", "the data, in any form --train takes");
    public static readonly Option<string> Model = Declare.Choice("--model", "MODEL", ModelKinds.Names, $"for synthetic sources: {Declare.Alternatives(ModelKinds.Names)}", "logistic");

    public static readonly CliCommand Command = new("inspect", Summary, Example,
        [CommonOptions.LabelColumn, CommonOptions.Features, CommonOptions.Sparse, Model, CommonOptions.Json], Run, Source);

    public static Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string source = args.GetValue(Source)!;
        var data = SyntheticSpec.IsSynthetic(source)
            ? new DataSpec(source, DataPart.Train, args.GetValue(Model)!, Sparse: args.GetValue(CommonOptions.Sparse)).Load()
            : DataSource.Load(source, new ReadOptions(args.GetValue(CommonOptions.LabelColumn), args.GetValue(CommonOptions.Features), AllowNonFinite: true,
                Sparse: args.GetValue(CommonOptions.Sparse)));
        var s = DataSummary.Of(data);
        var inv = CultureInfo.InvariantCulture;
        if (args.GetValue(CommonOptions.Json))
        {
            stdout.WriteLine(CliJson.Write(DataSummaryJson.Of(s), CliJson.Types.DataSummaryJson));
            return Task.FromResult(0);
        }
        stdout.WriteLine($"source     {s.Source}");
        stdout.WriteLine($"rows       {s.Rows}");
        stdout.WriteLine($"features   {s.Features}");
        stdout.WriteLine(s.Labels.Count > 0
            ? $"labels     {string.Join(", ", s.Labels.Select(l => l.ToString(inv)))}"
            : string.Create(inv, $"labels     {s.DistinctLabels} distinct values in [{s.LabelMin:G6}, {s.LabelMax:G6}]"));
        double density = 100 * (1 - s.ZeroFraction);
        string shown = density >= 0.01 || density == 0 ? density.ToString("0.####", inv) : density.ToString("0.##E+0", inv);
        stdout.WriteLine(string.Create(inv, $"sparsity   {100 * s.ZeroFraction:F2}% of feature values are 0 (density {shown}%)"));
        stdout.WriteLine(string.Create(inv, $"storage    {s.Storage}, {s.StoredValues} stored values ({StoredBytes(s) / 1048576.0:F1} MiB)"));
        stdout.WriteLine($"NaN / Inf  {s.NaNCount} / {s.InfinityCount}{(s.NaNCount + s.InfinityCount > 0 ? "  (tuning on this file will stop at the first one, naming its line)" : "")}");
        return Task.FromResult(0);
    }

    /// <summary>Bytes of the features as stored: 8 a value dense; CSR adds a 4-byte column a value and a 4-byte offset a row.</summary>
    internal static long StoredBytes(DataSummary s) => s.Storage == "sparse" ? 12 * s.StoredValues + 4L * (s.Rows + 1) : 8 * s.StoredValues;
}

/// <summary><c>data inspect --json</c>: what a data set holds; no label range when it has no finite label.</summary>
public sealed record DataSummaryJson(
    string Source, int Rows, int Features, int DistinctLabels, IReadOnlyList<double> Labels, double? LabelMin, double? LabelMax,
    double ZeroFraction, [property: JsonPropertyName("nanCount")] long NaNCount, [property: JsonPropertyName("infCount")] long InfinityCount,
    double Density, string Storage, long StoredValues, long StoredBytes)
{
    public static DataSummaryJson Of(DataSummary s) => new(s.Source, s.Rows, s.Features, s.DistinctLabels, s.Labels,
        s.DistinctLabels > 0 ? s.LabelMin : null, s.DistinctLabels > 0 ? s.LabelMax : null, s.ZeroFraction, s.NaNCount, s.InfinityCount,
        1 - s.ZeroFraction, s.Storage, s.StoredValues, DataInspectCommand.StoredBytes(s));
}
