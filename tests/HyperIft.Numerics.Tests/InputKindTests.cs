using HyperIft.Data;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The kinds that make the inputs (SPEC §8), for softmax and mlp: the cross term against central
/// differences of ∇f·v in λ, the hypergradient against central differences of the re-solved validation
/// loss, shard invariance, and distill with λ = a training set reproducing ordinary training.
/// </summary>
public class InputKindTests
{
    private const int Features = 4, Classes = 3;
    private static readonly InputOptions Options = new(DistillPerClass: 3, AugmentCopies: 2, AugmentNoise: 3, Seed: 5);

    public static IEnumerable<object[]> Cases() =>
        from model in new[] { "softmax", "mlp" }
        from kind in new[] { Distill.KindName, Augment.KindName }
        select new object[] { model, kind };

    private static Model CreateModel(string model) => model == "mlp"
        ? new MlpModel(Features, [5], Classes, Activation.Tanh)
        : new SoftmaxModel(Features, Classes);

    /// <summary>Distill trains on its k·C slots; augment on 30 rows and their copies. λ is a distinct, non-trivial point.</summary>
    public static (BilevelProblem Problem, double[] Lambda) Make(string model, string kind, double fixedL2 = 1e-2)
    {
        var (train, validation) = SyntheticData.Generate("softmax", new SyntheticSpec(30, Features, Classes, 2, ValidationRows: 25));
        var m = CreateModel(model);
        var hyper = HyperparameterKinds.Create(kind, m.Layout, train.Rows, fixedL2, Options);
        if (hyper is Distill distill)
        {
            var problem = new BilevelProblem(m, hyper, distill.SlotRows(0, distill.Slots), TestProblems.Block(validation));
            var start = Distill.Start(TestProblems.Block(train), Classes, distill.PerClass, DistillInit.ClassMean, seed: 4);
            return (problem, start.Select((s, i) => s + 0.3 * Math.Sin(1.3 * i)).ToArray());
        }
        // Small A, B, c: copies that differ from their rows without saturating tanh.
        return (new BilevelProblem(m, hyper, TestProblems.Block(train), TestProblems.Block(validation)),
            TestProblems.Lambda(hyper.Count, 0.0).Select(l => 0.4 * l).ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Cross_term_matches_finite_differences(string model, string kind)
    {
        var (problem, lambda) = Make(model, kind);
        var objective = new LocalObjective(problem, shards: 2);
        var theta = TestProblems.Vector(problem.ParameterCount, 3);
        var v = TestProblems.Vector(problem.ParameterCount, 5);
        const double h = 1e-5;
        var fd = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
            fd[k] = (Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, h))).Gradient, v)
                     - Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, -h))).Gradient, v)) / (2 * h);
        await objective.TrainLossGrad(theta, lambda);
        var cross = await objective.CrossTerm(v);
        TestProblems.AssertRelative(cross, fd, 1e-7, $"{model} {kind} cross term");
        Assert.True(cross.Count(c => Math.Abs(c) > 1e-8) > lambda.Length / 2, "most entries should move: a block of zeros would hide a lost part");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hypergradient_matches_finite_differences_of_the_re_solved_validation_loss(string model, string kind)
    {
        var (problem, lambda) = Make(model, kind);
        var objective = new LocalObjective(problem);
        IInnerSolver inner = model == "mlp" ? new TrustRegionNewtonCg { Tolerance = 1e-12 } : new NewtonCg { Tolerance = 1e-12 };
        var result = await new ImplicitHypergradient(inner, new ConjugateGradient { Tolerance = 1e-13 }).Compute(objective, lambda);
        Assert.True(result.Inner.Converged, $"inner ‖∇f‖ = {result.Inner.GradientNorm:E2}");

        const double h = 1e-4;
        var fd = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
            fd[k] = (await MlpDerivativeTests.ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, h), result.Theta)
                     - await MlpDerivativeTests.ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, -h), result.Theta)) / (2 * h);
        TestProblems.AssertRelative(result.Hypergradient, fd, 1e-5, $"{model} {kind}");
        Assert.True(Vec.Norm(fd) > 1e-4, "a vanishing hypergradient would make this test vacuous");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Shards_give_the_same_objective_and_cross_term(string model, string kind)
    {
        var (problem, lambda) = Make(model, kind);
        var theta = TestProblems.Vector(problem.ParameterCount, 11);
        var v = TestProblems.Vector(problem.ParameterCount, 12);
        var one = new LocalObjective(problem);
        var (loss1, grad1) = await one.TrainLossGrad(theta, lambda);
        var hv1 = await one.TrainHvp(v);
        var cross1 = await one.CrossTerm(v);
        foreach (int shards in new[] { 3, 8 })
        {
            var many = new LocalObjective(problem, shards);
            var (loss, grad) = await many.TrainLossGrad(theta, lambda);
            Assert.True(Math.Abs(loss - loss1) <= 1e-12 * Math.Abs(loss1), $"{shards} shards: loss {loss} vs {loss1}");
            TestProblems.AssertRelative(grad, grad1, 1e-12, $"{shards} shards gradient");
            TestProblems.AssertRelative(await many.TrainHvp(v), hv1, 1e-12, $"{shards} shards HVP");
            TestProblems.AssertRelative(await many.CrossTerm(v), cross1, 1e-12, $"{shards} shards cross term");
        }
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("mlp")]
    public async Task Distill_with_a_training_set_as_lambda_trains_as_that_set(string model)
    {
        // 3 rows per class, class-major: as λ of distill they are the same inner problem as ordinary
        // training with one L2 strength α = --l2 (l2 at λ = log α).
        const double alpha = 1e-2;
        var (train, validation) = SyntheticData.Generate("softmax", new SyntheticSpec(60, Features, Classes, 7, ValidationRows: 20));
        var order = Enumerable.Range(0, train.Rows).OrderBy(i => train.Y[i]).ThenBy(i => i)
            .GroupBy(i => train.Y[i]).SelectMany(g => g.Take(3)).ToArray();
        Assert.Equal(9, order.Length);
        var x = order.SelectMany(i => train.X.AsSpan(i * Features, Features).ToArray()).ToArray();
        var y = order.Select(i => train.Y[i]).ToArray();
        var rows = new DataBlock(x, y, Features);

        var m = CreateModel(model);
        var distill = HyperparameterKinds.Create(Distill.KindName, m.Layout, 9, alpha, Options with { DistillPerClass = 3 });
        var slots = ((Distill)distill).SlotRows(0, 9);
        Assert.Equal(y, slots.Y.ToArray());
        var distilled = new LocalObjective(new BilevelProblem(m, distill, slots, TestProblems.Block(validation)), shards: 2);
        var ordinary = new LocalObjective(new BilevelProblem(m, HyperparameterKinds.Create("l2", m.Layout, 9, alpha), rows, TestProblems.Block(validation)));

        IInnerSolver inner = model == "mlp" ? new TrustRegionNewtonCg { Tolerance = 1e-12 } : new NewtonCg { Tolerance = 1e-12 };
        var start = m.InitialTheta(3);
        var a = await inner.Minimize(distilled, x, start);
        var b = await inner.Minimize(ordinary, [Math.Log(alpha)], start);
        Assert.True(a.Converged && b.Converged);
        TestProblems.AssertRelative(a.Theta, b.Theta, 1e-10, $"{model} θ* of distill vs ordinary training");
        Assert.Equal(b.Loss, a.Loss, 1e-12);
    }

    [Fact]
    public void Augment_noise_is_addressed_not_drawn_in_sequence()
    {
        var block = new double[1000];
        SeededNoise.Fill(5, 123_456, block);
        Assert.Equal(SeededNoise.Normal(5, 123_456 + 17), block[17]);
        Assert.NotEqual(SeededNoise.Normal(6, 123_456 + 17), block[17]);
        var many = new double[200_000];
        SeededNoise.Fill(1, 0, many);
        double mean = many.Average(), variance = many.Select(e => (e - mean) * (e - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);   // 4.5 standard errors
        Assert.InRange(variance, 0.98, 1.02);
    }

    [Fact]
    public void Distill_starts_at_the_class_means()
    {
        var (train, _) = SyntheticData.Generate("softmax", new SyntheticSpec(40, Features, Classes, 2));
        var m = CreateModel("softmax");
        var distill = (Distill)HyperparameterKinds.Create(Distill.KindName, m.Layout, 40, 1e-3, Options with { DistillPerClass = 2 });
        var start = Distill.Start(TestProblems.Block(train), Classes, 2, DistillInit.ClassMean, seed: 1);
        for (int r = 0; r < distill.Slots; r++)
        {
            int c = r / 2;
            var members = Enumerable.Range(0, train.Rows).Where(i => train.Y[i] == c).ToArray();
            for (int f = 0; f < Features; f++)
            {
                double mean = members.Average(i => train.X[i * Features + f]);
                Assert.InRange(start[r * Features + f] - mean, -0.05, 0.05); // N(0, 0.01²) noise
            }
        }
        Assert.NotEqual(start.AsSpan(0, Features).ToArray(), start.AsSpan(Features, Features).ToArray()); // the noise tells the k rows apart
    }
}
