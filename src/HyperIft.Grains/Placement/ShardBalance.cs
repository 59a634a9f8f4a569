namespace HyperIft.Grains.Placement;

/// <summary>
/// Which shards of a set move when the cluster's silos change, so that every silo holds ⌊n/k⌋ or ⌈n/k⌉ of
/// them and as few as possible move: shards stay where they are up to their silo's share; the rest (and
/// those on silos that left) go to the silos below theirs. Silos that already hold more keep the larger shares.
/// </summary>
public static class ShardBalance
{
    /// <summary>The moves (shard index, target silo), given where each shard is now (null: nowhere known) and the silos in order.</summary>
    public static List<(int Shard, T Target)> Plan<T>(IReadOnlyList<T?> where, IReadOnlyList<T> silos) where T : class
    {
        var moves = new List<(int, T)>();
        if (silos.Count == 0) return moves;
        var held = silos.ToDictionary(s => s, _ => new List<int>());
        var homeless = new List<int>();
        for (int i = 0; i < where.Count; i++)
        {
            if (where[i] is { } silo && held.TryGetValue(silo, out var list)) list.Add(i);
            else homeless.Add(i);
        }
        int share = where.Count / silos.Count, larger = where.Count % silos.Count;
        // The larger shares go to the silos holding most (ties: in the given order), which keeps moves fewest.
        var order = silos.Select((s, rank) => (s, rank)).OrderByDescending(x => held[x.s].Count).ThenBy(x => x.rank).Select(x => x.s).ToList();
        var quota = order.Select((s, rank) => (s, q: share + (rank < larger ? 1 : 0))).ToDictionary(x => x.s, x => x.q);
        var leaving = new List<int>(homeless);
        foreach (var s in silos)
        {
            var list = held[s];
            if (list.Count > quota[s]) leaving.AddRange(list.Skip(quota[s])); // the highest indices leave
        }
        leaving.Sort();
        int next = 0;
        foreach (var s in silos)
            for (int room = quota[s] - Math.Min(held[s].Count, quota[s]); room > 0 && next < leaving.Count; room--)
                moves.Add((leaving[next++], s));
        return moves;
    }
}
