using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HyperIft.Numerics;

/// <summary>
/// Rows in compressed sparse row form (CSR): row i's non-zeros are <see cref="Columns"/> and
/// <see cref="Values"/> at [RowStart[i], RowStart[i+1]), columns ascending. The offsets are absolute,
/// so a slice of rows is a view of the same arrays. Kernels over these cost time in the non-zeros.
/// </summary>
public readonly struct SparseRows
{
    public SparseRows(ReadOnlyMemory<int> rowStart, ReadOnlyMemory<int> columns, ReadOnlyMemory<double> values, int features)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features));
        if (rowStart.Length < 1) throw new ArgumentException("CSR needs rows + 1 row offsets.", nameof(rowStart));
        if (columns.Length != values.Length) throw new ArgumentException($"{columns.Length} column indices for {values.Length} values.");
        var starts = rowStart.Span;
        var cols = columns.Span;
        for (int i = 0; i + 1 < starts.Length; i++)
        {
            if (starts[i] < 0 || starts[i + 1] < starts[i] || starts[i + 1] > values.Length)
                throw new ArgumentException($"row {i}'s offsets [{starts[i]}, {starts[i + 1]}) do not lie within the {values.Length} values.");
            // The kernels gather without bounds checks: every column in range and ascending within its row.
            for (int k = starts[i]; k < starts[i + 1]; k++)
                if ((uint)cols[k] >= (uint)features || (k > starts[i] && cols[k] <= cols[k - 1]))
                    throw new ArgumentException($"row {i}: column {cols[k]} is outside 0..{features - 1} or not ascending.");
        }
        RowStart = rowStart;
        Columns = columns;
        Values = values;
        Features = features;
    }

    public ReadOnlyMemory<int> RowStart { get; }
    public ReadOnlyMemory<int> Columns { get; }
    public ReadOnlyMemory<double> Values { get; }
    public int Features { get; }
    public int Rows => RowStart.Length - 1;
    public long NonZeros => RowStart.Span[^1] - RowStart.Span[0];

    public SparseRow Row(int i)
    {
        var starts = RowStart.Span;
        int from = starts[i], count = starts[i + 1] - from;
        return new SparseRow(Columns.Span.Slice(from, count), Values.Span.Slice(from, count));
    }

    public SparseRows Slice(int start, int count) => new(RowStart.Slice(start, count + 1), Columns, Values, Features, checkedAlready: true);

    private SparseRows(ReadOnlyMemory<int> rowStart, ReadOnlyMemory<int> columns, ReadOnlyMemory<double> values, int features, bool checkedAlready) =>
        (RowStart, Columns, Values, Features) = (rowStart, columns, values, features);

    /// <summary>output (rows × width, row-major) = X·M (+ output when accumulating), M features × width.</summary>
    public void Multiply(ReadOnlySpan<double> m, int width, Span<double> output, bool accumulate)
    {
        if (!accumulate) output[..(Rows * width)].Clear();
        for (int i = 0; i < Rows; i++)
        {
            var row = Row(i);
            var target = output.Slice(i * width, width);
            for (int k = 0; k < row.Columns.Length; k++) Vec.Axpy(row.Values[k], m.Slice(row.Columns[k] * width, width), target);
        }
    }

    /// <summary>target (features × width) += Xᵀ·D, D rows × width.</summary>
    public void AddTransposedProduct(ReadOnlySpan<double> d, int width, Span<double> target)
    {
        for (int i = 0; i < Rows; i++)
        {
            var row = Row(i);
            var di = d.Slice(i * width, width);
            for (int k = 0; k < row.Columns.Length; k++) Vec.Axpy(row.Values[k], di, target.Slice(row.Columns[k] * width, width));
        }
    }

    /// <summary>target (features × width) += (X∘X)ᵀ·D: the squares of the entries, for Hessian diagonals.</summary>
    public void AddSquaresTransposedProduct(ReadOnlySpan<double> d, int width, Span<double> target)
    {
        for (int i = 0; i < Rows; i++)
        {
            var row = Row(i);
            var di = d.Slice(i * width, width);
            for (int k = 0; k < row.Columns.Length; k++)
                Vec.Axpy(row.Values[k] * row.Values[k], di, target.Slice(row.Columns[k] * width, width));
        }
    }
}

/// <summary>One row of <see cref="SparseRows"/>: its non-zeros, columns ascending.</summary>
public readonly ref struct SparseRow
{
    /// <summary>Only <see cref="SparseRows"/> makes rows: its columns are checked in range and ascending, which <see cref="Dot"/> relies on.</summary>
    internal SparseRow(ReadOnlySpan<int> columns, ReadOnlySpan<double> values)
    {
        Columns = columns;
        Values = values;
    }

    public ReadOnlySpan<int> Columns { get; }
    public ReadOnlySpan<double> Values { get; }

    /// <summary>xᵀw.</summary>
    public double Dot(ReadOnlySpan<double> w)
    {
        ref double wr = ref MemoryMarshal.GetReference(w);
        double s0 = 0, s1 = 0;
        int k = 0, n = Columns.Length;
        if (n > 0 && (uint)Columns[n - 1] >= (uint)w.Length) throw new IndexOutOfRangeException();
        // Columns are non-negative and ascend (checked when the rows were made), so the last bounds them all.
        for (; k + 2 <= n; k += 2)
        {
            s0 += Values[k] * Unsafe.Add(ref wr, Columns[k]);
            s1 += Values[k + 1] * Unsafe.Add(ref wr, Columns[k + 1]);
        }
        if (k < n) s0 += Values[k] * Unsafe.Add(ref wr, Columns[k]);
        return s0 + s1;
    }

    /// <summary>target += a·x.</summary>
    public void AddTo(double a, Span<double> target)
    {
        for (int k = 0; k < Columns.Length; k++) target[Columns[k]] += a * Values[k];
    }

    /// <summary>target += a·(x∘x).</summary>
    public void AddSquaresTo(double a, Span<double> target)
    {
        for (int k = 0; k < Columns.Length; k++) target[Columns[k]] += a * Values[k] * Values[k];
    }
}
