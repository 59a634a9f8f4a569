namespace HyperIft.Data;

/// <summary>
/// Rows of numeric features (row-major, contiguous) with one label each, and where each row came
/// from, so that a bad label found later can still be reported by file and line.
/// </summary>
public sealed class Dataset
{
    private readonly int[]? _lines;

    private readonly int _firstItem;

    /// <param name="firstItem">For binary formats (no lines): the item number of row 0, when the rows are a window.</param>
    public Dataset(string source, int features, double[] x, double[] y, int[]? lines = null, string? labelSource = null, int firstItem = 0)
    {
        _firstItem = firstItem;
        if (x.Length != y.Length * features)
            throw new ArgumentException($"{source}: {x.Length} values for {y.Length} rows × {features} features.");
        Source = source;
        LabelSource = labelSource ?? source;
        Features = features;
        X = x;
        Y = y;
        _lines = lines;
    }

    public string Source { get; }

    /// <summary>The file the labels came from (differs from <see cref="Source"/> for IDX).</summary>
    public string LabelSource { get; }

    public int Features { get; }
    public double[] X { get; }
    public double[] Y { get; }
    public int Rows => Y.Length;

    public ReadOnlySpan<double> Row(int i) => X.AsSpan(i * Features, Features);

    /// <summary>"file:line" of a row's label (or "file: item k" for binary formats).</summary>
    public string LocateLabel(int row) =>
        _lines is null ? $"{LabelSource}: item {_firstItem + row + 1}" : $"{LabelSource}:{_lines[row]}";

    /// <summary>Rows [start, end), keeping their source lines.</summary>
    public Dataset Slice(int start, int end)
    {
        if (start < 0 || end > Rows || start > end)
            throw new DataFormatException(Source, 0, $"row range [{start}:{end}] is outside its {Rows} rows");
        return new Dataset(Source, Features, X.AsSpan(start * Features, (end - start) * Features).ToArray(),
            Y.AsSpan(start, end - start).ToArray(), _lines?.AsSpan(start, end - start).ToArray(), LabelSource, _firstItem + start);
    }

    /// <summary>A copy with other feature values (standardization), same rows and lines.</summary>
    public Dataset WithFeatures(double[] x) => new(Source, Features, x, Y, _lines, LabelSource, _firstItem);
}
