using HyperIft.Grains;
using HyperIft.Grains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace HyperIft.Grains.Tests;

/// <summary>
/// Three in-process silos sharing one file storage folder, so that persisted runs outlive a killed silo.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempFolder _storage = new("hyperift-grains-");

    public string StorageFolder => _storage.Root;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>The warnings of every silo.</summary>
    public CapturedWarnings Warnings { get; } = new();

    /// <summary>What goes wrong when a silo started while this is set opens a shard (a silo without the data files, say).</summary>
    internal IShardOpenFault? NewSilosOpenFault { get; set; }

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddHyperIft(new HyperIftSiloOptions
            {
                Storage = "file",
                StoragePath = StorageFolder,
                KeeperInterval = TimeSpan.FromSeconds(1),
            });
            silo.Services.AddSingleton<ILoggerProvider>(Warnings);
            if (NewSilosOpenFault is { } fault) silo.Services.AddSingleton(fault);
            // Declare a killed silo dead in seconds, not the production default.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5));
            client.AddActivityPropagation();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _storage.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
