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

    /// <summary>Calls <paramref name="call"/> until it succeeds, a failure is not transient, or <paramref name="patience"/> has passed.</summary>
    public static async Task<T> Retry<T>(Func<Task<T>> call, TimeSpan patience, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + patience;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * attempt)), ct);
            }
        }
    }
}
