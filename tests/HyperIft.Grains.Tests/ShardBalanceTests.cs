using HyperIft.Grains.Placement;

namespace HyperIft.Grains.Tests;

/// <summary>The plan that balances a run's shards when silos join or leave: balanced, and the fewest moves.</summary>
public class ShardBalanceTests
{
    private static string?[] Apply(string?[] where, List<(int Shard, string Target)> moves)
    {
        var after = (string?[])where.Clone();
        foreach (var (shard, target) in moves) after[shard] = target;
        return after;
    }

    private static void AssertBalanced(string?[] where, string[] silos)
    {
        var counts = silos.Select(s => where.Count(w => w == s)).ToArray();
        Assert.Equal(where.Length, counts.Sum());
        Assert.InRange(counts.Max() - counts.Min(), 0, 1);
    }

    [Fact]
    public void A_joining_silo_takes_one_shard_from_each_fuller_one()
    {
        string?[] where = ["a", "b", "c", "a", "b", "c", "a", "b"]; // 3, 3, 2 over a, b, c
        string[] silos = ["a", "b", "c", "d"];
        var moves = ShardBalance.Plan(where, silos);
        Assert.Equal(2, moves.Count); // the fewest: a and b give one each
        Assert.All(moves, m => Assert.Equal("d", m.Target));
        Assert.Equal(["a", "b"], moves.Select(m => where[m.Shard]).Order().ToArray());
        AssertBalanced(Apply(where, moves), silos);
    }

    [Fact]
    public void Shards_of_a_silo_that_left_go_to_the_emptiest()
    {
        string?[] where = ["a", "b", "c", "d", "a", "b", "c", "d"];
        string[] silos = ["a", "b", "c"]; // d left
        var moves = ShardBalance.Plan(where, silos);
        Assert.Equal([3, 7], moves.Select(m => m.Shard).Order().ToArray());
        AssertBalanced(Apply(where, moves), silos);
    }

    [Fact]
    public void A_balanced_run_moves_nothing_and_an_unknown_host_counts_as_gone()
    {
        Assert.Empty(ShardBalance.Plan(["a", "b", "a", "b", "a"], ["a", "b"]));
        Assert.Empty(ShardBalance.Plan(["a", "a", "a"], ["a"]));
        var moves = ShardBalance.Plan([null, "a", "a", "a", "b"], ["a", "b"]);
        Assert.Equal([(0, "b")], moves); // a keeps its larger share of 3; the shard nowhere fills b
    }

    [Fact]
    public void Any_layout_is_balanced_with_only_the_shards_above_their_silos_share_moving()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            int k = random.Next(1, 7), n = random.Next(1, 40);
            string[] silos = Enumerable.Range(0, k).Select(i => $"s{i}").ToArray();
            var where = Enumerable.Range(0, n).Select(_ => random.Next(k + 2) is var j && j < k ? silos[j] : j == k ? null : "gone").ToArray();
            var moves = ShardBalance.Plan(where, silos);
            var after = Apply(where, moves);
            AssertBalanced(after, silos);
            Assert.Equal(moves.Count, moves.Select(m => m.Shard).Distinct().Count());
            // Lower bound on moves: shards nowhere, plus each silo's excess over the largest share.
            int ceiling = (n + k - 1) / k;
            int floor = n / k, larger = n % k;
            var counts = silos.Select(s => where.Count(w => w == s)).OrderDescending().ToArray();
            int least = where.Count(w => w is null || !silos.Contains(w))
                        + counts.Select((c, rank) => Math.Max(0, c - (floor + (rank < larger ? 1 : 0)))).Sum();
            Assert.Equal(least, moves.Count);
            Assert.True(counts.Length == 0 || after.Count(w => w == silos[0]) <= ceiling);
        }
    }
}
