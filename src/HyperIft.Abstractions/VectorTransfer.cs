namespace HyperIft.Abstractions;

/// <summary>The sending and fetching side of chunked vectors, for clients and grains alike.</summary>
public static class VectorTransfer
{
    private static long _valuesMoved;

    /// <summary>Values sent or fetched through this class in this process since it started (8 bytes each): what the grains' messages carry.</summary>
    public static long ValuesMoved => Interlocked.Read(ref _valuesMoved);

    /// <summary>1 MiB of doubles: the largest vector sent inline.</summary>
    public const int ChunkValues = 1 << 17;

    /// <summary>Makes <paramref name="values"/> available to <paramref name="target"/>: inline if small, else staged there in chunks first.</summary>
    public static async Task<Vector> Send(IVectorPeer target, double[] values)
    {
        Interlocked.Add(ref _valuesMoved, values.Length);
        if (values.Length <= ChunkValues) return Vector.Of(values);
        var id = Guid.NewGuid();
        for (int offset = 0; offset < values.Length; offset += ChunkValues)
        {
            int count = Math.Min(ChunkValues, values.Length - offset);
            await target.StageChunk(id, offset, values.Length, Vector.Of(values.AsSpan(offset, count)));
        }
        return Vector.Staged(id, values.Length);
    }

    /// <summary>The values of a vector returned by <paramref name="source"/>, fetching its chunks if it was handed out by reference.</summary>
    public static async Task<double[]> Fetch(IVectorPeer source, Vector vector)
    {
        Interlocked.Add(ref _valuesMoved, vector.Length);
        if (!vector.IsStaged) return vector.ToArray();
        var values = new double[vector.Length];
        for (int offset = 0; offset < values.Length; offset += ChunkValues)
        {
            int count = Math.Min(ChunkValues, values.Length - offset);
            var chunk = await source.FetchChunk(vector.StagedId, offset, count);
            chunk.ToArray().CopyTo(values, offset);
        }
        await source.Release(vector.StagedId);
        return values;
    }
}
