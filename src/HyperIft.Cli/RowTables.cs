using System.Globalization;

namespace HyperIft.Cli;

/// <summary>
/// The per-row CSV files of SPEC §9: influence.csv (<c>row,label,influence</c>, in row order) and
/// weights.csv (<c>row,label,weight,influence</c>, lightest row first). Rows are numbered as in the
/// training file (a [start:end] range starts at <c>firstRow</c>); numbers round-trip.
/// </summary>
public static class RowTables
{
    public static void WriteInfluence(TextWriter output, int firstRow, double[] labels, double[] influence)
    {
        output.WriteLine("row,label,influence");
        for (int i = 0; i < labels.Length; i++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{firstRow + i},{labels[i]:R},{influence[i]:R}"));
    }

    public static void WriteWeights(TextWriter output, int firstRow, double[] labels, double[] weights, double[] influence)
    {
        output.WriteLine("row,label,weight,influence");
        foreach (int i in LightestFirst(weights))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{firstRow + i},{labels[i]:R},{weights[i]:R},{influence[i]:R}"));
    }

    /// <summary>Row indices by weight ascending, ties by row.</summary>
    public static int[] LightestFirst(double[] weights)
    {
        var order = Enumerable.Range(0, weights.Length).ToArray();
        Array.Sort(order, (a, b) => weights[a] != weights[b] ? weights[a].CompareTo(weights[b]) : a.CompareTo(b));
        return order;
    }
}
