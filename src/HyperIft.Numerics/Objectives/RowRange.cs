namespace HyperIft.Numerics.Objectives;

/// <summary>Rows [Start, Start + Count) of a data set.</summary>
public readonly record struct RowRange(int Start, int Count)
{
    public int End => Start + Count;

    /// <summary>K contiguous ranges covering n rows, sizes differing by at most one.</summary>
    public static RowRange[] Split(int rows, int shards)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), "at least one shard");
        var ranges = new RowRange[shards];
        int start = 0;
        for (int s = 0; s < shards; s++)
        {
            int count = rows / shards + (s < rows % shards ? 1 : 0);
            ranges[s] = new RowRange(start, count);
            start += count;
        }
        return ranges;
    }
}
