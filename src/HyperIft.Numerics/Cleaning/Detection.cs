namespace HyperIft.Numerics.Cleaning;

/// <summary>
/// How well tuned row weights find the corrupted rows (SPEC §9): the suspects are the rows whose
/// weight is below a threshold; precision and recall are of the suspects against the known corrupted
/// rows; AUC scores −weight as a ranking of corruption (ties count one half, as Mann–Whitney's U).
/// </summary>
public sealed record Detection(int Suspects, double Precision, double Recall, double Auc)
{
    /// <param name="weights">c_i for every training row.</param>
    /// <param name="corrupted">the rows known to be corrupted (indices into <paramref name="weights"/>).</param>
    /// <param name="suspectBelow">a row is a suspect when its weight is below this.</param>
    public static Detection Of(ReadOnlySpan<double> weights, IReadOnlySet<int> corrupted, double suspectBelow)
    {
        int suspects = CountSuspects(weights, suspectBelow), hits = 0;
        foreach (int i in corrupted)
            if (i >= 0 && i < weights.Length && weights[i] < suspectBelow) hits++;
        double precision = suspects == 0 ? double.NaN : (double)hits / suspects;
        double recall = corrupted.Count == 0 ? double.NaN : (double)hits / corrupted.Count;
        return new Detection(suspects, precision, recall, AreaUnderCurve(weights, corrupted));
    }

    /// <summary>The rows whose weight is below <paramref name="suspectBelow"/>.</summary>
    public static int CountSuspects(ReadOnlySpan<double> weights, double suspectBelow)
    {
        int count = 0;
        foreach (double w in weights) if (w < suspectBelow) count++;
        return count;
    }

    /// <summary>
    /// P(a corrupted row weighs less than a clean one) + ½ P(equal weights): by average ranks, in
    /// O(n log n). NaN when either class is empty.
    /// </summary>
    public static double AreaUnderCurve(ReadOnlySpan<double> weights, IReadOnlySet<int> corrupted)
    {
        int n = weights.Length, positives = corrupted.Count(i => i >= 0 && i < n), negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var w = weights.ToArray();
        // Descending weight: a higher rank is a lower weight, i.e. more suspect.
        Array.Sort(order, (a, b) => w[b].CompareTo(w[a]));
        double rankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && w[order[end + 1]] == w[order[start]]) end++;
            double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int k = start; k <= end; k++)
                if (corrupted.Contains(order[k])) rankSum += averageRank;
            start = end + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
