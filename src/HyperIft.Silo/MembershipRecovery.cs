using Orleans.Clustering.Redis;
using Orleans.Runtime;

namespace HyperIft.Silo;

/// <summary>
/// Puts this silo's row back into a membership table that lost it (Redis restarted without its
/// data, or was flushed). Orleans 10.4.2 does not: its table reads then fail with "version is
/// missing", its I-am-alive writes fail with a Lua error, its own view stays frozen (the silo goes
/// on calling itself Active) and clients find no gateways — for good.
/// <para>
/// Restoring works in three moves, each an ordinary conditional write of Orleans' own table:
/// re-create the table (its version row), insert this silo's last-seen row, and — once every silo
/// this one sees as active is back, or a grace period has passed — raise the table version above
/// this silo's view, because Orleans ignores a table older than the view it holds (and a newer
/// view without a live silo's row would declare that silo dead).
/// </para>
/// If the row cannot be restored within <see cref="GiveUpAfter"/>, the process exits with
/// <see cref="ExitCode"/> so that its supervisor starts a fresh silo, which joins cleanly.
/// </summary>
public sealed class MembershipRecovery(
    IServiceProvider services, ILocalSiloDetails local, IClusterMembershipService membership,
    IHostApplicationLifetime lifetime, ILogger<MembershipRecovery> log) : BackgroundService
{
    /// <summary>Exit code of a silo that lost its membership row and could not put it back (EX_TEMPFAIL).</summary>
    public const int ExitCode = 75;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan WaitForPeers = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);

    private MembershipEntry? _lastSeen;
    private DateTime? _lostSince;
    private long? _raisedTo; // the table version this silo raised the table to while restoring it

    /// <summary>Null while the row is in place; else since when it has been missing.</summary>
    public DateTime? LostSince => _lostSince;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (services.GetService<IMembershipTable>() is not { } table) return; // localhost clustering keeps its table in a silo
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stop))
        {
            if (membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) != SiloStatus.Active) continue; // joining or leaving: Orleans' business
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await Check(table, timeout.Token);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Redis unreachable: nothing to restore yet, /health reports it.
                log.LogDebug("membership check failed: {Error}", HyperIft.Abstractions.Redaction.Redact(e.Message));
            }
            if (_lostSince is { } since && DateTime.UtcNow - since > GiveUpAfter)
            {
                log.LogCritical("this silo's membership row has been missing for {Seconds:F0} s and could not be restored; " +
                                "exiting with code {Code} so that the supervisor starts a fresh silo", GiveUpAfter.TotalSeconds, ExitCode);
                Environment.ExitCode = ExitCode;
                lifetime.StopApplication();
                // Orleans can take minutes to stop on a broken table; the supervisor should not wait that long.
                _ = Task.Delay(TimeSpan.FromSeconds(45), CancellationToken.None).ContinueWith(_ => Environment.Exit(ExitCode));
                return;
            }
        }
    }

    private async Task Check(IMembershipTable table, CancellationToken ct)
    {
        MembershipTableData data;
        try
        {
            data = await table.ReadAllAsync(ct);
        }
        catch (RedisClusteringException e)
        {
            // The table itself is gone (its version row with it): re-create it, then insert below.
            Lost($"the membership table is gone ({e.Message})");
            await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);
            data = await table.ReadAllAsync(ct);
        }

        var mine = data.TryGet(local.SiloAddress);
        if (mine is null)
        {
            Lost("this silo's row is missing from the membership table");
            var row = RowToRestore();
            bool inserted = await table.InsertRowAsync(row, data.Version.Next(), ct);
            log.LogWarning("membership: re-inserting this silo's row (table version {Version}): {Result}",
                data.Version.Next().Version, inserted ? "done" : "conflict, will retry");
            return;
        }
        _lastSeen = mine.Item1;

        long view = membership.CurrentSnapshot.Version.Value;
        // Restored: the table is ahead of the view again, or the view has caught up with the version this silo raised it to.
        if (data.Version.Version > view || _raisedTo is { } raised && view >= raised)
        {
            if (_lostSince is { } since)
                log.LogWarning("membership: restored after {Seconds:F1} s (table version {Version} > view {View})",
                    (DateTime.UtcNow - since).TotalSeconds, data.Version.Version, view);
            (_lostSince, _raisedTo) = (null, null);
            return;
        }
        if (_lostSince is null) return; // an ordinary moment: the view has just not caught up with a write

        // The table is older than this silo's view, so Orleans ignores it. Raise its version once
        // every silo this one sees as active has its row back (or has had time enough to).
        var missing = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && data.TryGet(m.SiloAddress) is null).Select(m => m.SiloAddress).ToArray();
        if (missing.Length > 0 && DateTime.UtcNow - _lostSince < WaitForPeers)
        {
            log.LogInformation("membership: waiting for {Missing} to re-insert their rows", string.Join(", ", missing));
            return;
        }
        var version = data.Version;
        var etag = mine.Item2;
        while (version.Version <= view)
        {
            if (!await table.UpdateRowAsync(_lastSeen, etag, version.Next(), ct)) return; // someone else wrote: next round
            // Each write changes the row's etag (the table version): read both back before the next one.
            data = await table.ReadAllAsync(ct);
            if (data.TryGet(local.SiloAddress) is not { } row) return;
            (version, etag) = (data.Version, row.Item2);
        }
        _raisedTo = version.Version;
        log.LogWarning("membership: table version raised to {Version} (view {View}){Missing}", version.Version, view,
            missing.Length > 0 ? $"; silos that did not come back: {string.Join(", ", missing)}" : "");
    }

    private void Lost(string why)
    {
        if (_lostSince is null) log.LogError("membership: {Why}; restoring it", why);
        _lostSince ??= DateTime.UtcNow;
    }

    /// <summary>The row as it was last seen (its start time, names, gateway), alive now.</summary>
    private MembershipEntry RowToRestore()
    {
        var seen = _lastSeen;
        return new MembershipEntry
        {
            SiloAddress = local.SiloAddress,
            Status = SiloStatus.Active,
            HostName = seen?.HostName ?? local.DnsHostName,
            SiloName = seen?.SiloName ?? local.Name,
            RoleName = seen?.RoleName,
            ProxyPort = seen?.ProxyPort ?? local.GatewayAddress?.Endpoint.Port ?? 0,
            UpdateZone = seen?.UpdateZone ?? 0,
            FaultZone = seen?.FaultZone ?? 0,
            SuspectTimes = [],
            StartTime = seen?.StartTime ?? DateTime.UtcNow,
            IAmAliveTime = DateTime.UtcNow,
        };
    }
}
