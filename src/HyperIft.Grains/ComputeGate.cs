namespace HyperIft.Grains;

/// <summary>
/// Runs CPU-bound shard work off the grain scheduler, at most one task per core of this silo, so
/// that many shards on one silo share its cores instead of oversubscribing them.
/// </summary>
internal sealed class ComputeGate(int slots)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    public ComputeGate() : this(Environment.ProcessorCount) { }

    public async Task<T> Run<T>(Func<T> work)
    {
        await _slots.WaitAsync();
        try
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await Task.Run(work);
            HyperIftTelemetry.ShardCompute.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            return result;
        }
        finally
        {
            _slots.Release();
        }
    }
}
