using HyperIft.Numerics;

namespace HyperIft.Data;

/// <summary>
/// Rows of numeric features with one label each, and where each row came from, so that a bad label
/// found later can still be reported by file and line. The features are dense (row-major,
/// contiguous) or sparse (CSR, <see cref="SparseRows"/>: what LIBSVM files and <c>--sparse</c> give).
/// </summary>
public sealed class Dataset
{
    private readonly int[]? _lines;
    private readonly int _firstItem;
    private readonly double[]? _x;
    private readonly SparseRows _sparse;

    /// <param name="firstItem">For binary formats (no lines): the item number of row 0, when the rows are a window.</param>
    public Dataset(string source, int features, double[] x, double[] y, int[]? lines = null, string? labelSource = null, int firstItem = 0)
    {
        if (x.Length != y.Length * features)
            throw new ArgumentException($"{source}: {x.Length} values for {y.Length} rows × {features} features.");
        (Source, LabelSource, Features, Y, _x, _lines, _firstItem) = (source, labelSource ?? source, features, y, x, lines, firstItem);
    }

    /// <summary>Sparse rows (CSR).</summary>
    public Dataset(string source, SparseRows x, double[] y, int[]? lines = null, string? labelSource = null, int firstItem = 0)
    {
        if (x.Rows != y.Length) throw new ArgumentException($"{source}: {x.Rows} rows of features for {y.Length} labels.");
        (Source, LabelSource, Features, Y, _sparse, IsSparse, _lines, _firstItem) = (source, labelSource ?? source, x.Features, y, x, true, lines, firstItem);
    }

    public string Source { get; }

    /// <summary>The file the labels came from (differs from <see cref="Source"/> for IDX).</summary>
    public string LabelSource { get; }

    public int Features { get; }
    public double[] Y { get; }
    public int Rows => Y.Length;
    public bool IsSparse { get; }

    /// <summary>The dense features (rows × features); a sparse set has none (<see cref="ToDense"/> makes them).</summary>
    public double[] X => _x ?? throw new InvalidOperationException($"{Source} is stored sparse (CSR); it has no dense X.");

    public SparseRows Sparse => IsSparse ? _sparse : throw new InvalidOperationException($"{Source} is stored dense.");

    /// <summary>Stored non-zero values (every value of a dense set counts).</summary>
    public long StoredValues => IsSparse ? _sparse.NonZeros : X.LongLength;

    /// <summary>The rows as the numerics take them (a view, not a copy).</summary>
    public DataBlock Block => IsSparse ? new DataBlock(_sparse, Y) : new DataBlock(X, Y, Features);

    public ReadOnlySpan<double> Row(int i) => X.AsSpan(i * Features, Features);

    /// <summary>"file:line" of a row's label (or "file: item k" for binary formats).</summary>
    public string LocateLabel(int row) =>
        _lines is null ? $"{LabelSource}: item {_firstItem + row + 1}" : $"{LabelSource}:{_lines[row]}";

    /// <summary>Rows [start, end), keeping their source lines.</summary>
    public Dataset Slice(int start, int end)
    {
        if (start < 0 || end > Rows || start > end)
            throw new DataFormatException(Source, 0, $"row range [{start}:{end}] is outside its {Rows} rows");
        var y = Y.AsSpan(start, end - start).ToArray();
        var lines = _lines?.AsSpan(start, end - start).ToArray();
        if (!IsSparse)
            return new Dataset(Source, Features, X.AsSpan(start * Features, (end - start) * Features).ToArray(), y, lines, LabelSource, _firstItem + start);
        var starts = _sparse.RowStart.Span;
        int from = starts[start], to = starts[end];
        var rowStart = new int[end - start + 1];
        for (int i = 0; i < rowStart.Length; i++) rowStart[i] = starts[start + i] - from;
        var rows = new SparseRows(rowStart, _sparse.Columns[from..to].ToArray(), _sparse.Values[from..to].ToArray(), Features);
        return new Dataset(Source, rows, y, lines, LabelSource, _firstItem + start);
    }

    /// <summary>A copy with other (dense) feature values (standardization), same rows and lines.</summary>
    public Dataset WithFeatures(double[] x) => new(Source, Features, x, Y, _lines, LabelSource, _firstItem);

    /// <summary>The same rows stored dense (itself when already dense).</summary>
    public Dataset ToDense()
    {
        if (!IsSparse) return this;
        if ((long)Rows * Features > Array.MaxLength)
            throw new DataFormatException(Source, 0, $"{Rows} rows × {Features} features are too many values to store dense ({Array.MaxLength})");
        var x = new double[Rows * Features];
        for (int i = 0; i < Rows; i++)
        {
            var row = _sparse.Row(i);
            for (int k = 0; k < row.Columns.Length; k++) x[i * Features + row.Columns[k]] = row.Values[k];
        }
        return WithFeatures(x);
    }

    /// <summary>The same rows stored sparse, zeros dropped (itself when already sparse).</summary>
    public Dataset ToSparse()
    {
        if (IsSparse) return this;
        var x = X;
        long nonZeros = 0;
        foreach (var v in x) if (v != 0) nonZeros++;
        if (nonZeros > Array.MaxLength)
            throw new DataFormatException(Source, 0, $"{nonZeros} non-zero values are more than one sparse block holds ({Array.MaxLength})");
        var rowStart = new int[Rows + 1];
        var columns = new int[nonZeros];
        var values = new double[nonZeros];
        int k = 0;
        for (int i = 0; i < Rows; i++)
        {
            for (int f = 0; f < Features; f++)
            {
                double v = x[i * Features + f];
                if (v == 0) continue;
                columns[k] = f;
                values[k++] = v;
            }
            rowStart[i + 1] = k;
        }
        return new Dataset(Source, new SparseRows(rowStart, columns, values, Features), Y, _lines, LabelSource, _firstItem);
    }
}
