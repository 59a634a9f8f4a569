using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperIft.Grains.Placement;

/// <summary>Spreads the shards of a run evenly: shard i goes to silo i mod (number of silos).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
internal sealed class ShardPlacementStrategy : PlacementStrategy
{
    public static readonly ShardPlacementStrategy Instance = new();
}

[AttributeUsage(AttributeTargets.Class)]
internal sealed class ShardPlacementAttribute() : PlacementAttribute(ShardPlacementStrategy.Instance);

/// <summary>
/// Reads the shard index from the grain key "{run}/{set}/{index}" and picks among the compatible
/// silos in a fixed order, so every silo makes the same choice.
/// </summary>
internal sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        return Task.FromResult(silos[ShardIndex(target.GrainIdentity.Key.ToString()) % silos.Length]);
    }

    public static int ShardIndex(string key)
    {
        int slash = key.LastIndexOf('/');
        return slash >= 0 && int.TryParse(key.AsSpan(slash + 1), out int index) && index >= 0 ? index : 0;
    }
}
