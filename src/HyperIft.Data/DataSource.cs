using System.Globalization;
using System.Text.RegularExpressions;

namespace HyperIft.Data;

/// <summary>How to read a named data source.</summary>
/// <param name="AllowNonFinite">Accept NaN and ±∞ cells (data inspection only).</param>
public sealed record ReadOptions(int? LabelColumn = null, int? Features = null, bool AllowNonFinite = false);

/// <summary>Which part of a source a data set is: generated sources make both from one truth.</summary>
public enum DataPart { Train, Validation, Test }

/// <summary>
/// Everything needed to read one data set again, anywhere: the source name, the part (for
/// synthetic sources), the reading options, and the model (which decides synthetic labels).
/// </summary>
public sealed record DataSpec(string Source, DataPart Part, string Model, int? LabelColumn = null, int? Features = null)
{
    public Dataset Load()
    {
        if (SyntheticSpec.IsSynthetic(Source))
        {
            var spec = SyntheticSpec.Parse(Source);
            if (Part == DataPart.Test) return SyntheticData.GenerateWithTest(Model, spec).Test;
            var (train, validation) = SyntheticData.Generate(Model, spec);
            return Part == DataPart.Train ? train : validation;
        }
        return DataSource.Load(Source, new ReadOptions(LabelColumn, Features));
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
        var data = LoadWhole(name, options);
        if (range is not { } r) return data;
        int end = r.End ?? data.Rows;
        if (r.Start >= end || end > data.Rows)
            throw new DataFormatException(spec, 0, $"row range [{r.Start}:{end}] is not inside its {data.Rows} rows");
        return data.Slice(r.Start, end);
    }

    private static Dataset LoadWhole(string name, ReadOptions options)
    {
        if (name is "fashion-mnist" or "fashion-mnist:train") return FashionMnist.Read("train");
        if (name == "fashion-mnist:test") return FashionMnist.Read("test");
        if (name.StartsWith("idx:", StringComparison.Ordinal))
        {
            var parts = name[4..].Split(',');
            if (parts.Length != 2) throw new DataFormatException(name, 0, "IDX sources are written idx:IMAGES,LABELS");
            return IdxReader.Read(parts[0], parts[1]);
        }
        string extension = Path.GetExtension(name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name)
            .ToLowerInvariant();
        if (extension == ".csv") return CsvReader.Read(name, options.LabelColumn, options.AllowNonFinite);
        if (SvmExtensions.Contains(extension)) return LibSvmReader.Read(name, options.Features, options.AllowNonFinite);
        throw new DataFormatException(name, 0,
            "unknown format: expected .csv, .svm/.libsvm/.svmlight, idx:IMAGES,LABELS or fashion-mnist[:train|:test]");
    }

    private static (string Name, (int Start, int? End)? Range) SplitRange(string spec)
    {
        var m = RangeSuffix().Match(spec);
        if (!m.Success) return (spec, null);
        int start = m.Groups[2].Value.Length == 0 ? 0 : int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        int? end = m.Groups[3].Value.Length == 0 ? null : int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        return (m.Groups[1].Value, (start, end));
    }

    [GeneratedRegex(@"^(.*)\[(\d*):(\d*)\]$")]
    private static partial Regex RangeSuffix();
}
