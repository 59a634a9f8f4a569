using HyperIft.Numerics.LinearAlgebra;

namespace HyperIft.Numerics;

/// <summary>
/// A block of rows with one label each, their features either dense (row-major and contiguous: row i
/// at X[i·p .. i·p+p)) or sparse (<see cref="SparseRows"/>, CSR). A view, never a copy: shards are
/// slices of one dataset or rows rebuilt from a descriptor. The row and block operations below are
/// what the models use, so that one model serves both storages.
/// </summary>
public readonly struct DataBlock
{
    private readonly SparseRows _sparse;

    public DataBlock(ReadOnlyMemory<double> x, ReadOnlyMemory<double> y, int features)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features));
        if (x.Length != y.Length * features)
            throw new ArgumentException($"X has {x.Length} values, expected {y.Length} rows × {features} features.");
        X = x;
        Y = y;
        Features = features;
    }

    public DataBlock(SparseRows x, ReadOnlyMemory<double> y)
    {
        if (x.Rows != y.Length) throw new ArgumentException($"X has {x.Rows} rows, Y {y.Length} labels.");
        _sparse = x;
        IsSparse = true;
        Y = y;
        Features = x.Features;
    }

    /// <summary>The dense features; empty when <see cref="IsSparse"/>.</summary>
    public ReadOnlyMemory<double> X { get; }

    public ReadOnlyMemory<double> Y { get; }
    public int Features { get; }
    public int Rows => Y.Length;
    public bool IsSparse { get; }

    public SparseRows Sparse => IsSparse ? _sparse : throw new InvalidOperationException("The block is dense.");

    /// <summary>Row i of dense features.</summary>
    public ReadOnlySpan<double> Row(int i) =>
        IsSparse ? throw new InvalidOperationException("A sparse block has no dense rows.") : X.Span.Slice(i * Features, Features);

    public DataBlock Slice(int start, int count) =>
        IsSparse ? new(_sparse.Slice(start, count), Y.Slice(start, count))
                 : new(X.Slice(start * Features, count * Features), Y.Slice(start, count), Features);

    /// <summary>x_iᵀw.</summary>
    public double RowDot(int i, ReadOnlySpan<double> w) => IsSparse ? _sparse.Row(i).Dot(w) : Vec.Dot(Row(i), w);

    /// <summary>target += a·x_i.</summary>
    public void AddRow(int i, double a, Span<double> target)
    {
        if (IsSparse) _sparse.Row(i).AddTo(a, target);
        else Vec.Axpy(a, Row(i), target);
    }

    /// <summary>target += a·(x_i∘x_i).</summary>
    public void AddRowSquares(int i, double a, Span<double> target)
    {
        if (IsSparse)
        {
            _sparse.Row(i).AddSquaresTo(a, target);
            return;
        }
        var x = Row(i);
        for (int f = 0; f < x.Length; f++) target[f] += a * x[f] * x[f];
    }

    /// <summary>output (rows × width) = X·M (+ output when accumulating), M features × width row-major.</summary>
    public void Multiply(ReadOnlySpan<double> m, int width, Span<double> output, bool accumulate)
    {
        if (IsSparse) _sparse.Multiply(m, width, output, accumulate);
        else Gemm.Multiply(false, false, Rows, width, Features, X.Span, Features, m, width, output, width, accumulate);
    }

    /// <summary>target (features × features) += XᵀX.</summary>
    public void AddGram(Span<double> target)
    {
        if (!IsSparse)
        {
            Gemm.Multiply(true, false, Features, Features, Rows, X.Span, Features, X.Span, Features, target, Features, accumulate: true);
            return;
        }
        for (int i = 0; i < Rows; i++)
        {
            var row = _sparse.Row(i);
            for (int a = 0; a < row.Columns.Length; a++)
            {
                var line = target.Slice(row.Columns[a] * Features, Features);
                for (int b = 0; b < row.Columns.Length; b++) line[row.Columns[b]] += row.Values[a] * row.Values[b];
            }
        }
    }

    /// <summary>target (features × width) += Xᵀ·D, D rows × width.</summary>
    public void AddTransposedProduct(ReadOnlySpan<double> d, int width, Span<double> target)
    {
        if (IsSparse) _sparse.AddTransposedProduct(d, width, target);
        else Gemm.Multiply(true, false, Features, width, Rows, X.Span, Features, d, width, target, width, accumulate: true);
    }
}
