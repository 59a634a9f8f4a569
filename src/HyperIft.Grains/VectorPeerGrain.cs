using HyperIft.Abstractions;

namespace HyperIft.Grains;

/// <summary>A grain that exchanges vectors in chunks through its <see cref="VectorMailbox"/>.</summary>
internal abstract class VectorPeerGrain : Grain, IVectorPeer
{
    protected VectorMailbox Mailbox { get; } = new();

    public Task StageChunk(Guid id, int offset, int total, Vector chunk)
    {
        Mailbox.Stage(id, offset, total, chunk);
        return Task.CompletedTask;
    }

    public Task<Vector> FetchChunk(Guid id, int offset, int count) => Task.FromResult(Mailbox.Fetch(id, offset, count));

    public Task Release(Guid id)
    {
        Mailbox.Release(id);
        return Task.CompletedTask;
    }
}
