using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Numerics.Tests;

/// <summary>λ kept in slices where its rows are (one λ per row) must move exactly as the whole λ would.</summary>
public class LambdaSliceTests
{
    private static readonly (int Start, int Count)[] Slices = [(0, 3), (3, 4), (7, 3)];

    public static TheoryData<string> Optimizers => new() { "adam", "gd" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Slices_advanced_apart_equal_the_whole_lambda_advanced_bit_for_bit(string name)
    {
        var optimizer = OuterOptimizerFactory.Create(name, 0.3);
        var whole = TuningState.Start(TestProblems.Vector(10, 1));
        var slices = Slices.Select(s => LambdaSlice.Start(whole.Lambda[s.Start..(s.Start + s.Count)])).ToArray();
        for (int step = 0; step < 5; step++)
        {
            var gradient = TestProblems.Vector(10, 100 + step);
            var (lambda, state) = optimizer.Step(whole.Lambda, gradient, whole.Optimizer);
            whole = new TuningState(step + 1, lambda, state, null);
            for (int s = 0; s < Slices.Length; s++)
            {
                var (start, count) = Slices[s];
                slices[s] = slices[s].WithGradient(gradient[start..(start + count)]).At(step + 1, optimizer);
                Assert.Equal(whole.Lambda[start..(start + count)], slices[s].Lambda); // exact: the same operations on the same numbers
                Assert.Equal(step + 1, slices[s].Step);
                Assert.Null(slices[s].Gradient);
            }
        }
    }

    [Fact]
    public void A_slice_answers_for_its_step_and_with_its_gradient_for_the_next_one_only()
    {
        var adam = new Adam(0.1);
        var slice = LambdaSlice.Start([0.5, -1.0]);
        Assert.Same(slice, slice.At(0, adam));
        Assert.Throws<InvalidOperationException>(() => slice.At(1, adam)); // no gradient yet
        var recorded = slice.WithGradient([0.2, -0.4]);
        Assert.Same(recorded, recorded.At(0, adam)); // the run did not record the step: asked again
        var next = recorded.At(1, adam);
        Assert.Equal(adam.Step([0.5, -1.0], [0.2, -0.4], OptimizerState.Initial(2)).Lambda, next.Lambda);
        Assert.Throws<InvalidOperationException>(() => recorded.At(2, adam)); // a step it never had the gradient for
        Assert.Throws<InvalidOperationException>(() => next.At(0, adam)); // no way back
        Assert.Throws<ArgumentException>(() => slice.WithGradient([1.0]));
    }

    [Fact]
    public void Summaries_of_slices_combine_to_the_whole_lambdas_range_and_gradient_norm()
    {
        var lambda = TestProblems.Vector(10, 3);
        var gradient = TestProblems.Vector(10, 4);
        var parts = Slices.Select(s => LambdaSlice.Start(lambda[s.Start..(s.Start + s.Count)])
            .WithGradient(gradient[s.Start..(s.Start + s.Count)]).Summary());
        var total = SliceSummary.Combine(parts);
        Assert.Equal(10, total.Count);
        Assert.Equal(lambda.Min(), total.Min);
        Assert.Equal(lambda.Max(), total.Max);
        Assert.Equal(lambda.Average(), total.Mean, 1e-15);
        Assert.Equal(Vec.Norm(gradient), total.GradientNorm, 1e-14);
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("softmax")]
    public async Task A_shards_row_hypergradient_is_its_rows_entries_of_the_whole_one(string model)
    {
        var problem = TestProblems.Make(model, "example-weights", rows: 60);
        var lambda = TestProblems.Lambda(problem.HyperCount, 0.1);
        var objective = new LocalObjective(problem);
        var result = await new SolverSettings().Build().Compute(objective, lambda);

        // The rows as one shard would hold them, at θ*, with their weights: dg/dλ computed where the rows are.
        var shard = new TrainingShard(problem.Model, problem.Train);
        shard.SetRowLambda(lambda);
        shard.SetPoint(result.Theta);
        var rows = shard.RowHypergradient(result.V, lambda, problem.Train.Rows);
        Assert.Equal(result.Hypergradient, rows); // exact: −(1/n) c'(λ_i) ∇ℓ_i·v, the same operations either way
    }
}
