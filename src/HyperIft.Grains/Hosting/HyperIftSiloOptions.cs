using StackExchange.Redis;

namespace HyperIft.Grains;

/// <summary>The storage name every HyperIft grain persists to.</summary>
public static class HyperIftStorage
{
    public const string Name = "hyperift";
    public static readonly string[] Kinds = ["memory", "file", "redis"];
}

/// <summary>What a silo needs beyond clustering: where runs persist, and how often runs are checked on.</summary>
public sealed class HyperIftSiloOptions
{
    /// <summary>memory (dev: lost with the silo), file (a folder, shared by the silos of one machine), redis.</summary>
    public string Storage { get; set; } = "memory";

    /// <summary>The folder of file storage.</summary>
    public string? StoragePath { get; set; }

    /// <summary>The Redis connection of redis storage (password included: never log it unredacted).</summary>
    public ConfigurationOptions? Redis { get; set; }

    public TimeSpan KeeperInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One grain call may be one whole hypergradient: longer than Orleans' 30 s default.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
