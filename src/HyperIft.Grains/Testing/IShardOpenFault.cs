using Orleans.Runtime;

namespace HyperIft.Grains.Testing;

/// <summary>
/// Test only: makes one silo refuse to open shards, as a silo that does not see the data files does. Silos
/// of one test process share their files, so a test registers this on the silo that must not see them;
/// production never registers one, and a shard without it opens as always.
/// </summary>
internal interface IShardOpenFault
{
    /// <summary>Throws what opening <paramref name="shard"/> on <paramref name="silo"/> would throw, or returns to let it open.</summary>
    void Check(string shard, SiloAddress silo);
}
