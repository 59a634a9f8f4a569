using HyperIft.Grains.Placement;
using HyperIft.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace HyperIft.Grains;

/// <summary>Everything HyperIft adds to a silo, whatever hosts it (the silo process, the CLI's embedded silo, tests).</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddHyperIft(this ISiloBuilder silo, HyperIftSiloOptions options)
    {
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<ComputeGate>();
        silo.Services.AddPlacementDirector<ShardPlacementStrategy, ShardPlacementDirector>();
        silo.Services.AddHostedService<RunKeeper>();
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        silo.AddActivityPropagation(); // one trace across client, tuner, coordinator and shards
        // Grain state in Orleans' own binary format (not the JSON default): λ and warm starts are raw
        // bytes through their surrogates, and library records need no JSON constructors.
        silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));

        switch (options.Storage)
        {
            case "memory":
                silo.AddMemoryGrainStorage(HyperIftStorage.Name);
                break;
            case "file":
                string folder = options.StoragePath ?? throw new ArgumentException("file storage needs a folder (StoragePath)");
                silo.Services.AddGrainStorage(HyperIftStorage.Name,
                    (sp, _) => new FileGrainStorage(folder, sp.GetRequiredService<IGrainStorageSerializer>()));
                break;
            case "redis":
                var redis = options.Redis ?? throw new ArgumentException("redis storage needs a connection string");
                // DeleteStateOnClear: a cleared record (a finished run's held λ on its shards) leaves no key behind.
                silo.AddRedisGrainStorage(HyperIftStorage.Name, o => (o.ConfigurationOptions, o.DeleteStateOnClear) = (redis.Clone(), true));
                break;
            default:
                throw new ArgumentException($"unknown storage '{options.Storage}' (expected one of: {string.Join(", ", HyperIftStorage.Kinds)})");
        }
        return silo;
    }
}
