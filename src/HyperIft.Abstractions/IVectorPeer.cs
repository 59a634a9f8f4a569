using Orleans.Concurrency;

namespace HyperIft.Abstractions;

/// <summary>
/// A grain that can receive and hand out vectors in chunks, so that no single message grows past
/// <see cref="VectorTransfer.ChunkValues"/> doubles (a message over Orleans' body limit is not an
/// error but a torn-down connection and a 30 s timeout). Interleaved: a chunk touches only the mailbox
/// (turns keep it single-threaded), so a vector can be handed over while its grain is in the middle of a
/// long call, such as a coordinator's outer step.
/// </summary>
public interface IVectorPeer : IGrain
{
    /// <summary>Stores one chunk of an incoming vector of <paramref name="total"/> values.</summary>
    [AlwaysInterleave]
    Task StageChunk(Guid id, int offset, int total, Vector chunk);

    /// <summary>Returns part of a vector this grain handed out by reference.</summary>
    [AlwaysInterleave]
    Task<Vector> FetchChunk(Guid id, int offset, int count);

    /// <summary>Forgets a handed-out vector once fetched.</summary>
    [AlwaysInterleave]
    Task Release(Guid id);
}
