using System.Collections.Concurrent;
using HyperIft.Abstractions;
using HyperIft.Grains.Testing;
using Orleans.Runtime;

namespace HyperIft.Grains.Tests;

/// <summary>A silo that does not see the run's data files: every shard it is asked to open fails as such a silo's would.</summary>
internal sealed class RefusingShardOpens : IShardOpenFault
{
    public void Check(string shard, SiloAddress silo) =>
        throw new ProblemInputException($"the data of shard {shard} on silo {silo}: file not found (injected by the test)");
}

/// <summary>A silo whose first open of each shard times out, as a call does when a message is lost; the next one opens.</summary>
internal sealed class TimingOutFirstShardOpens : IShardOpenFault
{
    private readonly ConcurrentDictionary<string, bool> _failed = new();

    public void Check(string shard, SiloAddress silo)
    {
        if (_failed.TryAdd(shard, true))
            throw new TimeoutException($"opening shard {shard} on silo {silo} timed out (injected by the test)");
    }
}
