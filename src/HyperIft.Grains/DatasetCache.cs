using HyperIft.Data;

namespace HyperIft.Grains;

/// <summary>
/// One read of a data set per silo, shared by the shards that slice it. Entries are weak: once the
/// shards have copied their rows, the whole set can be collected, and it is read again if a shard
/// is rebuilt later.
/// </summary>
public sealed class DatasetCache
{
    private readonly Dictionary<DataSpec, WeakReference<Dataset>> _entries = [];
    private readonly Dictionary<DataSpec, Task<Dataset>> _loading = [];
    private readonly Lock _lock = new();

    public Task<Dataset> Get(DataSpec spec)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(spec, out var weak) && weak.TryGetTarget(out var cached)) return Task.FromResult(cached);
            if (_loading.TryGetValue(spec, out var pending)) return pending;
            var task = Task.Run(() => Load(spec));
            _loading[spec] = task;
            return task;
        }
    }

    /// <summary>Drops a data set whose shards have taken their rows.</summary>
    public void Forget(DataSpec spec)
    {
        lock (_lock) _entries.Remove(spec);
    }

    private Dataset Load(DataSpec spec)
    {
        try
        {
            var data = spec.Load();
            lock (_lock) _entries[spec] = new WeakReference<Dataset>(data);
            return data;
        }
        finally
        {
            lock (_lock) _loading.Remove(spec);
        }
    }
}
