using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace HyperIft.Abstractions;

/// <summary>
/// The one rule for what is worth retrying: a silo that died or is being declared dead, a lost
/// connection, a call that timed out. Bad input, a failed computation and programming errors are not.
/// </summary>
public static class TransientFailures
{
    /// <summary>How long opening a problem's shards is retried while a silo dies under it (membership needs seconds to tell).</summary>
    public static readonly TimeSpan ConfigurePatience = TimeSpan.FromMinutes(2);

    public static bool IsTransient(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => IsTransient(a.InnerException!),
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or ClientNotAvailableException => true,
        OrleansLifecycleCanceledException => true,
        // The runtime's own failures of messaging, directory and activation are the plain type with no
        // cause; one that wraps a cause (a storage error) is as transient as its cause, and the
        // subclasses (version conflicts, configuration) are not.
        OrleansException o when o.GetType() == typeof(OrleansException) => o.InnerException is null || IsTransient(o.InnerException),
        _ => false,
    };

    /// <summary>
    /// Calls <paramref name="call"/> until it succeeds, a failure is not transient, or <paramref name="patience"/> has passed.
    /// A client's idempotent call passes <paramref name="gatewayLost"/>: an attempt whose gateway dies is then sent again
    /// (<see cref="Resend"/>) instead of waiting out the response timeout.
    /// </summary>
    public static async Task<T> Retry<T>(Func<Task<T>> call, TimeSpan patience, CancellationToken ct = default,
        Func<CancellationToken>? gatewayLost = null)
    {
        var deadline = DateTime.UtcNow + patience;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await Resend(call, gatewayLost, patience, ct);
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * attempt)), ct);
            }
        }
    }

    /// <summary>How long a client keeps sending a call again after gateways died under it (<see cref="Resend"/>).</summary>
    public static readonly TimeSpan ResendPatience = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Sends an idempotent call until it answers, and again whenever <paramref name="gatewayLost"/> (the token of the
    /// client's current gateway period; null: no gateways, nothing to watch) fires first. An Orleans client does not
    /// fail a call whose gateway died, as a silo fails its calls to a dead silo: it waits out the call's response
    /// timeout (10 minutes; a day for a hypergradient). So a call under which a gateway connection closes is
    /// abandoned and sent again, and from then on a transient failure (its grain was on the dead silo) is retried
    /// too, for up to <paramref name="patience"/>; after that the last attempt is awaited as any call.
    /// </summary>
    public static async Task<T> Resend<T>(Func<Task<T>> call, Func<CancellationToken>? gatewayLost, TimeSpan patience,
        CancellationToken ct = default)
    {
        if (gatewayLost is null) return await call();
        DateTime? firstLoss = null;
        while (true)
        {
            bool patient = firstLoss is null || DateTime.UtcNow - firstLoss < patience;
            if (!patient) return await call();
            var lost = gatewayLost();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(lost, ct);
            try
            {
                return await call().WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                firstLoss ??= DateTime.UtcNow;
            }
            catch (Exception e) when (firstLoss is not null && IsTransient(e) && !ct.IsCancellationRequested)
            {
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
