using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperIft.Grains.Placement;

/// <summary>
/// Spreads the shards of a run evenly: shard i goes to silo i mod (number of silos). When silos join or leave,
/// the coordinator moves the fewest shards that balance the run again (<see cref="ShardBalance"/>) and
/// opens each moved one with its new silo as the placement hint.
/// </summary>
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
        var silos = context.GetCompatibleSilos(target);
        // A shard the coordinator moved (ShardBalance) is opened with the silo it chose as a hint.
        return Task.FromResult(IPlacementDirector.GetPlacementHint(target.RequestContextData, silos)
                               ?? Choose(target.GrainIdentity.Key.ToString()!, silos));
    }

    /// <summary>The one rule: shard i of a set goes to the i-th silo mod their count, in address order.</summary>
    public static SiloAddress Choose(string key, IEnumerable<SiloAddress> silos)
    {
        var ordered = silos.OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        return ordered[ShardIndex(key) % ordered.Length];
    }

    public static int ShardIndex(string key)
    {
        int slash = key.LastIndexOf('/');
        return slash >= 0 && int.TryParse(key.AsSpan(slash + 1), out int index) && index >= 0 ? index : 0;
    }
}
