using HyperIft.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HyperIft.Grains;

/// <summary>
/// Runs on every silo: every few seconds it pings the active runs, so that a tuner whose silo died
/// is activated again elsewhere and resumes its loop with no client action.
/// </summary>
internal sealed class RunKeeper(IGrainFactory grains, HyperIftSiloOptions options, ILogger<RunKeeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.KeeperInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var active = await grains.GetGrain<IRunRegistryGrain>(0).Active();
                await Task.WhenAll(active.Select(run => grains.GetGrain<ITunerGrain>(run).Ping()));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogDebug("Run keeper could not reach the runs this time: {Error}", e.Message);
            }
        }
    }
}
