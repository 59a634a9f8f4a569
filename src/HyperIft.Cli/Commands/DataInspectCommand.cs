using System.Globalization;
using HyperIft.Data;

namespace HyperIft.Cli.Commands;

/// <summary><c>hyperift data inspect SOURCE</c>: what a data file holds, before tuning on it.</summary>
public static class DataInspectCommand
{
    public const string Summary = "show a data set's rows, features, labels, sparsity and NaN/Inf count";

    public const string Example = "hyperift data inspect train.csv";

    public static readonly OptionSpec[] Options =
    [
        new("label-column", "0-based label column of CSV files (default: the last)", "INDEX"),
        new("features", "number of features of LIBSVM files", "P"),
        new("model", "for synthetic sources: ridge | logistic | softmax", "MODEL", "logistic"),
        CommonOptions.Solver.Single(o => o.Name == "json"),
    ];

    public static Task<int> Run(ParsedArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Positionals.Count != 1) throw new UsageException("'data inspect' takes one data source (see 'hyperift data inspect --help')");
        string source = args.Positionals[0];
        var data = SyntheticSpec.IsSynthetic(source)
            ? new DataSpec(source, DataPart.Train, args.String("model") ?? "logistic").Load()
            : DataSource.Load(source, new ReadOptions(args.IntOrNull("label-column", min: 0), args.IntOrNull("features", min: 1), AllowNonFinite: true));
        var s = DataSummary.Of(data);
        var inv = CultureInfo.InvariantCulture;
        if (args.Flag("json"))
        {
            stdout.WriteLine(HypergradientReport.Json(w =>
            {
                w.WriteString("source", s.Source);
                w.WriteNumber("rows", s.Rows);
                w.WriteNumber("features", s.Features);
                w.WriteNumber("distinctLabels", s.DistinctLabels);
                w.WriteStartArray("labels");
                foreach (var l in s.Labels) w.WriteNumberValue(l);
                w.WriteEndArray();
                if (s.DistinctLabels > 0)
                {
                    w.WriteNumber("labelMin", s.LabelMin);
                    w.WriteNumber("labelMax", s.LabelMax);
                }
                w.WriteNumber("zeroFraction", s.ZeroFraction);
                w.WriteNumber("nanCount", s.NaNCount);
                w.WriteNumber("infCount", s.InfinityCount);
            }));
            return Task.FromResult(0);
        }
        stdout.WriteLine($"source     {s.Source}");
        stdout.WriteLine($"rows       {s.Rows}");
        stdout.WriteLine($"features   {s.Features}");
        stdout.WriteLine(s.Labels.Count > 0
            ? $"labels     {string.Join(", ", s.Labels.Select(l => l.ToString(inv)))}"
            : string.Create(inv, $"labels     {s.DistinctLabels} distinct values in [{s.LabelMin:G6}, {s.LabelMax:G6}]"));
        stdout.WriteLine(string.Create(inv, $"sparsity   {100 * s.ZeroFraction:F2}% of feature values are 0"));
        stdout.WriteLine($"NaN / Inf  {s.NaNCount} / {s.InfinityCount}{(s.NaNCount + s.InfinityCount > 0 ? "  (tuning on this file will stop at the first one, naming its line)" : "")}");
        return Task.FromResult(0);
    }
}
