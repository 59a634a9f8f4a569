using HyperIft.Abstractions;
using Orleans.Runtime;

namespace HyperIft.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class PlacementTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Six_shards_on_three_silos_are_spread_two_per_silo()
    {
        string run = $"placement-{Guid.NewGuid():N}";
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>(run);
        await coordinator.Configure(Problems.Spec("ridge", "l2", "synthetic:n=600,p=4,seed=1", 6));

        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var stats = await management.GetDetailedGrainStatistics();
        var perSilo = stats.Where(s => s.GrainId.Key.ToString()!.StartsWith($"{run}/train/", StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .Select(g => g.Count())
            .ToArray();
        int silos = (await management.GetHosts(onlyActive: true)).Count;
        Assert.Equal(3, silos);
        Assert.Equal(6, perSilo.Sum());
        Assert.Equal([2, 2, 2], perSilo);
    }
}
