using HyperIft.Abstractions;
using HyperIft.Grains;
using Orleans.Runtime;
using Orleans.Storage;

namespace HyperIft.Silo;

/// <summary>
/// Whether the membership table and grain storage answer, checked for /health: a silo's own view
/// says Active long after the table it belongs to has gone (Redis restarted empty), so the view
/// alone is no health. Each check has a short timeout; the result is kept for a moment so that
/// probes hammering /health do not hammer Redis.
/// </summary>
public sealed class SiloProbe(IServiceProvider services, ILocalSiloDetails local, MembershipRecovery recovery)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1.5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTime At, string[] Problems) _last = (DateTime.MinValue, []);

    /// <summary>What is wrong, in words (empty when the table and storage answer).</summary>
    public async Task<string[]> Problems()
    {
        if (DateTime.UtcNow - _last.At < CacheFor) return _last.Problems;
        await _gate.WaitAsync();
        try
        {
            if (DateTime.UtcNow - _last.At >= CacheFor) _last = (DateTime.UtcNow, await Check());
            return _last.Problems;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string[]> Check()
    {
        var problems = new List<string>();
        if (services.GetService<IMembershipTable>() is { } table)
        {
            string? failure = await Within("membership table", async ct =>
            {
                var row = await table.ReadRowAsync(local.SiloAddress, ct);
                if (row.TryGet(local.SiloAddress) is null) throw new InvalidOperationException("this silo's row is missing");
            });
            if (failure is not null) problems.Add(failure);
            // A re-inserted row is not yet a working membership: Orleans ignores the table until its
            // version is raised past the view (MembershipRecovery).
            if (recovery.LostSince is { } since)
                problems.Add($"membership table: lost this silo's row {(DateTime.UtcNow - since).TotalSeconds:F0} s ago, restoring it");
        }
        if (services.GetKeyedService<IGrainStorage>(HyperIftStorage.Name) is { } storage)
        {
            string? failure = await Within("grain storage", ct =>
                storage.ReadStateAsync("health", GrainId.Create("hyperift-health", local.SiloAddress.ToParsableString()),
                    new GrainState<ProbeRecord>()).WaitAsync(ct));
            if (failure is not null) problems.Add(failure);
        }
        return problems.ToArray();
    }

    private static async Task<string?> Within(string what, Func<CancellationToken, Task> check)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await check(timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"{what}: no answer within {Timeout.TotalSeconds:F0} s";
        }
        catch (Exception e)
        {
            return $"{what}: {Redaction.Redact(e.GetBaseException().Message)}";
        }
    }

    /// <summary>What the storage probe reads (never written: reading an absent record is the check).</summary>
    [GenerateSerializer]
    public sealed class ProbeRecord;
}
