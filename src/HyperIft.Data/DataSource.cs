using System.Globalization;
using System.Text.RegularExpressions;

namespace HyperIft.Data;

/// <summary>How to read a named data source.</summary>
/// <summary>Rows [Start, Start + Count) of a data set: the part one shard reads.</summary>
public readonly record struct RowWindow(int Start, int Count)
{
    public int End => Start + Count;
    public bool Contains(int row) => row >= Start && row < End;
}

/// <param name="AllowNonFinite">Accept NaN and ±∞ cells (data inspection only).</param>
/// <param name="Window">Read only these rows (the others are skipped, not parsed); null: all rows.</param>
/// <param name="Sparse">Store the features sparse (CSR) whatever the format (LIBSVM files always are).</param>
public sealed record ReadOptions(int? LabelColumn = null, int? Features = null, bool AllowNonFinite = false, RowWindow? Window = null,
    bool Sparse = false);

/// <summary>Which part of a source a data set is: generated sources make both from one truth.</summary>
public enum DataPart { Train, Validation, Test }

/// <summary>
/// Everything needed to read one data set again, anywhere: the source name, the part (for
/// synthetic sources), the reading options, and the model (which decides synthetic labels).
/// <see cref="Fingerprint"/> is what the client saw of the source's files (<see cref="SourceFiles"/>):
/// a silo that sees other files refuses to read them.
/// </summary>
public sealed record DataSpec(string Source, DataPart Part, string Model, int? LabelColumn = null, int? Features = null,
    string? Fingerprint = null, bool Sparse = false)
{
    /// <summary>The data set, or only the rows of <paramref name="window"/> (what a shard holds).</summary>
    public Dataset Load(RowWindow? window = null)
    {
        if (!SyntheticSpec.IsSynthetic(Source)) return DataSource.Load(Source, new ReadOptions(LabelColumn, Features, Window: window, Sparse: Sparse));
        var rows = SyntheticData.GeneratePart(Model, SyntheticSpec.Parse(Source), Part, window);
        return Sparse ? rows.ToSparse() : rows;
    }

    /// <summary>Rows and features, reading the source without keeping its values.</summary>
    public (int Rows, int Features) Measure()
    {
        if (!SyntheticSpec.IsSynthetic(Source)) return DataSource.Measure(Source, new ReadOptions(LabelColumn, Features));
        var spec = SyntheticSpec.Parse(Source);
        return (Part == DataPart.Train ? spec.Rows : spec.ValidationRowsOrDefault, spec.Features);
    }
}

/// <summary>
/// Resolves a data source name (SPEC §6):
/// <list type="bullet">
/// <item><c>file.csv</c>, <c>file.svm|.libsvm|.svmlight</c> (optionally <c>.gz</c>);</item>
/// <item><c>idx:IMAGES,LABELS</c> for IDX files;</item>
/// <item><c>fashion-mnist</c> (= <c>fashion-mnist:train</c>) or <c>fashion-mnist:test</c>;</item>
/// </list>
/// (generated <c>synthetic:...</c> sources are read through <see cref="DataSpec"/>, which knows the model)
/// each optionally followed by a row range <c>[start:end]</c> (0-based, end exclusive), e.g.
/// <c>fashion-mnist[0:50000]</c>.
/// </summary>
public static partial class DataSource
{
    public static readonly string[] SvmExtensions = [".svm", ".libsvm", ".svmlight"];

    public static Dataset Load(string spec, ReadOptions? options = null)
    {
        options ??= new ReadOptions();
        var (name, range) = SplitRange(spec);
        if (range is not { } r) return Stored(Read(name, options), options);
        // A row range of the source, and perhaps a shard's window inside it.
        var (rows, features) = Measure(name, options);
        int end = r.End ?? rows;
        if (r.Start >= end || end > rows)
            throw new DataFormatException(spec, 0, $"row range [{r.Start}:{end}] is not inside its {rows} rows");
        var window = options.Window is { } w ? new RowWindow(r.Start + w.Start, w.Count) : new RowWindow(r.Start, end - r.Start);
        if (window.End > end) throw new DataFormatException(spec, 0, $"rows [{window.Start - r.Start}, {window.End - r.Start}) are outside its {end - r.Start} rows");
        // A window of a LIBSVM file is read at the width the whole file has (its largest index, unless given).
        return Stored(Read(name, options with { Window = window, Features = options.Features ?? features }), options);
    }

    /// <summary>Dense formats are read dense and turned sparse when asked (one dense copy of the window on the way).</summary>
    private static Dataset Stored(Dataset data, ReadOptions options) => options.Sparse ? data.ToSparse() : data;

    /// <summary>Rows and features of a source (after its row range), without keeping its values.</summary>
    public static (int Rows, int Features) Measure(string spec, ReadOptions? options = null)
    {
        options ??= new ReadOptions();
        var (name, range) = SplitRange(spec);
        var (rows, features) = MeasureWhole(name, options);
        if (range is not { } r) return (rows, features);
        int end = r.End ?? rows;
        if (r.Start >= end || end > rows)
            throw new DataFormatException(spec, 0, $"row range [{r.Start}:{end}] is not inside its {rows} rows");
        return (end - r.Start, features);
    }

    private static Dataset Read(string name, ReadOptions options) => Format(name) switch
    {
        "idx" => IdxReader.Read(IdxPaths(name).Images, IdxPaths(name).Labels, options.Window),
        "csv" => CsvReader.Read(name, options.LabelColumn, options.AllowNonFinite, options.Window),
        _ => LibSvmReader.Read(name, options.Features, options.AllowNonFinite, options.Window),
    };

    private static (int Rows, int Features) MeasureWhole(string name, ReadOptions options) => Format(name) switch
    {
        "idx" => IdxReader.Measure(IdxPaths(name).Images, IdxPaths(name).Labels),
        "csv" => CsvReader.Measure(name, options.LabelColumn),
        _ => LibSvmReader.Measure(name, options.Features),
    };

    /// <summary>The packaged data sets, read from the package's own files wherever the reader runs.</summary>
    internal static bool IsPackaged(string name) => name is "fashion-mnist" or "fashion-mnist:train" or "fashion-mnist:test";

    internal static string Format(string name)
    {
        if (IsPackaged(name) || name.StartsWith("idx:", StringComparison.Ordinal))
            return "idx";
        string extension = Path.GetExtension(name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name)
            .ToLowerInvariant();
        if (extension == ".csv") return "csv";
        if (SvmExtensions.Contains(extension)) return "svm";
        throw new DataFormatException(name, 0,
            "unknown format: expected .csv, .svm/.libsvm/.svmlight, idx:IMAGES,LABELS or fashion-mnist[:train|:test]");
    }

    internal static (string Images, string Labels) IdxPaths(string name)
    {
        if (name is "fashion-mnist" or "fashion-mnist:train") return FashionMnist.Paths("train");
        if (name == "fashion-mnist:test") return FashionMnist.Paths("test");
        var parts = name[4..].Split(',');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0)) throw new DataFormatException(name, 0, "IDX sources are written idx:IMAGES,LABELS");
        return (parts[0], parts[1]);
    }

    /// <summary>The row of the file a source's first row is (its [start:end] start; 0 without a range or for generated data).</summary>
    public static int FirstRow(string spec) => SyntheticSpec.IsSynthetic(spec) ? 0 : SplitRange(spec).Range?.Start ?? 0;

    /// <summary>
    /// The source name and its row range. A name ending in ']' has a range: one that is not two
    /// digit strings around a colon, each a row number (≤ Int32.MaxValue), is refused here, before
    /// any reading, rather than taken for part of a file name.
    /// </summary>
    internal static (string Name, (int Start, int? End)? Range) SplitRange(string spec)
    {
        int open = spec.LastIndexOf('[');
        if (!spec.EndsWith(']') || open < 0) return (spec, null);
        string range = spec[open..];
        var m = RangeBody().Match(range);
        if (!m.Success || !TryRow(m.Groups[1].Value, out int? start) || !TryRow(m.Groups[2].Value, out int? end))
            throw new DataFormatException(spec, 0,
                $"row range '{range}' is not [start:end] (0-based row numbers up to {int.MaxValue}, end exclusive, either may be left out)");
        return (spec[..open], (start ?? 0, end));
    }

    /// <summary>A row number, or null for an empty string.</summary>
    private static bool TryRow(string digits, out int? row)
    {
        row = null;
        if (digits.Length == 0) return true;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value)) return false;
        row = value;
        return true;
    }

    [GeneratedRegex(@"^\[(\d*):(\d*)\]$")]
    private static partial Regex RangeBody();
}
