using Orleans.Runtime;

namespace HyperIft.Grains.Placement;

/// <summary>A silo that could not open a shard moved to it (it does not see the data files, say), and why.</summary>
/// <param name="Shard">The shard as a run's logs name it: "train/3", "val/0".</param>
internal sealed record ShardRefusal(SiloAddress Silo, string Shard, string Reason);
