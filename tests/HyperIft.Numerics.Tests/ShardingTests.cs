using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

/// <summary>How the rows are split must not change any number beyond rounding.</summary>
public class ShardingTests
{
    private static readonly RowRange[][] Shardings =
    [
        [new(0, 61)],
        RowRange.Split(61, 2),
        // 7 shards, uneven, one empty
        [new(0, 3), new(3, 17), new(20, 0), new(20, 9), new(29, 1), new(30, 25), new(55, 6)],
    ];

    [Theory]
    [MemberData(nameof(TestProblems.AllCombinations), MemberType = typeof(TestProblems))]
    public async Task Loss_gradient_hvp_and_hypergradient_do_not_depend_on_the_sharding(string model, string kind)
    {
        var problem = TestProblems.Make(model, kind, rows: 61, features: 5);
        var lambda = TestProblems.Lambda(problem.HyperCount, kind == "example-weights" ? 0.2 : -1.5);
        var theta = TestProblems.Vector(problem.ParameterCount, 11);
        var v = TestProblems.Vector(problem.ParameterCount, 12);

        var results = new List<(double Loss, double[] Grad, double[] Hvp, double[] Cross, double[] Hyper)>();
        foreach (var ranges in Shardings)
        {
            var objective = new LocalObjective(problem, ranges);
            var (loss, grad) = await objective.TrainLossGrad(theta, lambda);
            var hvp = await objective.TrainHvp(v);
            var cross = await objective.CrossTerm(v);
            var ift = new ImplicitHypergradient(new NewtonCg { Tolerance = 1e-12 }, new ConjugateGradient { Tolerance = 1e-12 });
            var hyper = (await ift.Compute(objective, lambda)).Hypergradient;
            results.Add((loss, grad, hvp, cross, hyper));
        }

        var reference = results[0];
        foreach (var r in results.Skip(1))
        {
            Assert.True(Math.Abs(r.Loss - reference.Loss) <= 1e-12 * Math.Abs(reference.Loss), "loss");
            TestProblems.AssertRelative(r.Grad, reference.Grad, 1e-12, "gradient");
            TestProblems.AssertRelative(r.Hvp, reference.Hvp, 1e-12, "HVP");
            TestProblems.AssertRelative(r.Cross, reference.Cross, 1e-12, "cross term");
            TestProblems.AssertRelative(r.Hyper, reference.Hyper, 1e-12, "hypergradient");
        }
    }

    [Fact]
    public void Split_covers_every_row_with_sizes_differing_by_at_most_one()
    {
        var ranges = RowRange.Split(10, 4);
        Assert.Equal([3, 3, 2, 2], ranges.Select(r => r.Count));
        Assert.Equal([0, 3, 6, 8], ranges.Select(r => r.Start));
        Assert.Equal(5, RowRange.Split(2, 5).Length);
    }

    [Fact]
    public void Shards_that_do_not_cover_the_rows_are_rejected()
    {
        var problem = TestProblems.Make("ridge", "l2", rows: 20);
        Assert.Throws<ArgumentException>(() => new LocalObjective(problem, [new RowRange(0, 10), new RowRange(11, 9)]));
        Assert.Throws<ArgumentException>(() => new LocalObjective(problem, [new RowRange(0, 19)]));
    }

    [Fact]
    public async Task Products_before_a_point_is_set_are_an_error()
    {
        var objective = new LocalObjective(TestProblems.Make("ridge", "l2"));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await objective.TrainHvp(new double[objective.ParameterCount]));
    }
}
