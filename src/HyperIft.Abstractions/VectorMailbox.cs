namespace HyperIft.Abstractions;

/// <summary>
/// The receiving side of chunked vectors, kept by each <see cref="IVectorPeer"/> grain: an inbox of
/// staged chunks and an outbox of vectors handed out by reference. Bounded, so that a caller that
/// dies mid-transfer cannot make it grow without end.
/// </summary>
public sealed class VectorMailbox
{
    private const int MaxEntries = 64;
    private readonly Dictionary<Guid, double[]> _inbox = [];
    private readonly Dictionary<Guid, double[]> _outbox = [];
    private readonly Queue<Guid> _order = new();

    public void Stage(Guid id, int offset, int total, Vector chunk)
    {
        if (!_inbox.TryGetValue(id, out var values))
        {
            values = new double[total];
            _inbox[id] = values;
            Remember(id);
        }
        chunk.ToArray().CopyTo(values, offset);
    }

    /// <summary>The values of an incoming vector, inline or staged.</summary>
    public double[] Open(Vector vector)
    {
        if (!vector.IsStaged) return vector.ToArray();
        if (!_inbox.Remove(vector.StagedId, out var values) || values.Length != vector.Length)
            throw new InvalidOperationException($"Staged vector {vector.StagedId} was not received in full.");
        return values;
    }

    /// <summary>A vector to return: inline if small, else kept here for the caller to fetch.</summary>
    public Vector Post(double[] values)
    {
        if (values.Length <= VectorTransfer.ChunkValues) return Vector.Of(values);
        var id = Guid.NewGuid();
        _outbox[id] = values;
        Remember(id);
        return Vector.Staged(id, values.Length);
    }

    public Vector Fetch(Guid id, int offset, int count) =>
        _outbox.TryGetValue(id, out var values)
            ? Vector.Of(values.AsSpan(offset, count))
            : throw new InvalidOperationException($"No vector {id} to fetch (released or expired).");

    public void Release(Guid id) => _outbox.Remove(id);

    private void Remember(Guid id)
    {
        _order.Enqueue(id);
        while (_order.Count > MaxEntries)
        {
            var old = _order.Dequeue();
            _inbox.Remove(old);
            _outbox.Remove(old);
        }
    }
}
