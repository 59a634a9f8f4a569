namespace HyperIft.Numerics;

/// <summary>
/// A block of rows: features row-major and contiguous (row i at X[i·p .. i·p+p)), one label per row.
/// A view, never a copy: shards are slices of one dataset or rows rebuilt from a descriptor.
/// </summary>
public readonly struct DataBlock
{
    public DataBlock(ReadOnlyMemory<double> x, ReadOnlyMemory<double> y, int features)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features));
        if (x.Length != y.Length * features)
            throw new ArgumentException($"X has {x.Length} values, expected {y.Length} rows × {features} features.");
        X = x;
        Y = y;
        Features = features;
    }

    public ReadOnlyMemory<double> X { get; }
    public ReadOnlyMemory<double> Y { get; }
    public int Features { get; }
    public int Rows => Y.Length;

    public ReadOnlySpan<double> Row(int i) => X.Span.Slice(i * Features, Features);

    public DataBlock Slice(int start, int count) =>
        new(X.Slice(start * Features, count * Features), Y.Slice(start, count), Features);
}
