namespace HyperIft.Data;

/// <summary>What <c>hyperift data inspect</c> reports of a data set.</summary>
public sealed record DataSummary(
    string Source, int Rows, int Features, IReadOnlyList<double> Labels, int DistinctLabels, double LabelMin, double LabelMax,
    double ZeroFraction, long NaNCount, long InfinityCount, string Storage, long StoredValues)
{
    /// <summary>At most this many distinct labels are listed.</summary>
    public const int LabelListLimit = 20;

    public static DataSummary Of(Dataset d)
    {
        long zeros = 0, nan = 0, inf = 0;
        var values = d.IsSparse ? d.Sparse.Values.Span[d.Sparse.RowStart.Span[0]..d.Sparse.RowStart.Span[^1]] : d.X;
        foreach (var x in values)
        {
            if (x == 0) zeros++;
            else if (double.IsNaN(x)) nan++;
            else if (double.IsInfinity(x)) inf++;
        }
        long cells = (long)d.Rows * d.Features;
        if (d.IsSparse) zeros += cells - values.Length; // the entries a sparse row leaves out are zeros
        foreach (var y in d.Y)
        {
            if (double.IsNaN(y)) nan++;
            else if (double.IsInfinity(y)) inf++;
        }
        var distinct = d.Y.Where(double.IsFinite).Distinct().Order().ToArray();
        return new DataSummary(d.Source, d.Rows, d.Features, distinct.Length <= LabelListLimit ? distinct : [],
            distinct.Length, distinct.Length > 0 ? distinct[0] : double.NaN, distinct.Length > 0 ? distinct[^1] : double.NaN,
            cells == 0 ? 0 : (double)zeros / cells, nan, inf, d.IsSparse ? "sparse" : "dense", d.StoredValues);
    }
}
