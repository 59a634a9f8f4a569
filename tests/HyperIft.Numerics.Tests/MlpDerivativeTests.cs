using HyperIft.Data;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The network's derivatives (SPEC §7) against central differences: ∇f from f, the R-operator HVP
/// from ∇f, the cross terms from ∇f in λ, and the hypergradient from g(θ*(λ)) re-solved tightly;
/// both activations and two depths. Then what a non-convex inner problem brings: saddle points,
/// negative curvature at θ*, and --damping.
/// </summary>
public class MlpDerivativeTests
{
    private const double H = 1e-5;

    public static IEnumerable<object[]> Shapes() =>
        from activation in new[] { "tanh", "softplus" }
        from hidden in new[] { "5", "4,3" }
        from kind in TestProblems.Kinds
        select new object[] { activation, hidden, kind };

    public static BilevelProblem Make(string activation, string hidden, string kind, int rows = 40, int features = 4,
        int classes = 3, double fixedL2 = 1e-2, int seed = 1)
    {
        var (train, validation) = SyntheticData.Generate("mlp", new SyntheticSpec(rows, features, classes, seed, ValidationRows: rows / 2 + 3));
        var model = new MlpModel(features, ModelShape.ParseHidden(hidden), classes, Activations.Parse(activation));
        var hyper = HyperparameterKinds.Create(kind, model.Layout, train.Rows, fixedL2);
        return new BilevelProblem(model, hyper, TestProblems.Block(train), TestProblems.Block(validation));
    }

    private static (LocalObjective Objective, double[] Theta, double[] Lambda) At(string activation, string hidden, string kind, int thetaSeed)
    {
        var problem = Make(activation, hidden, kind);
        var theta = TestProblems.Vector(problem.ParameterCount, thetaSeed);
        return (new LocalObjective(problem, shards: 2), theta, TestProblems.Lambda(problem.HyperCount, kind == "example-weights" ? 0.3 : -2.0));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Gradient_hvp_and_cross_term_match_finite_differences(string activation, string hidden, string kind)
    {
        var (objective, theta, lambda) = At(activation, hidden, kind, thetaSeed: 3);
        string what = $"{activation} [{hidden}] {kind}";

        var (_, grad) = await objective.TrainLossGrad(theta, lambda);
        var fd = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++)
            fd[j] = ((await objective.TrainLossGrad(TestProblems.Shift(theta, j, H), lambda)).Loss
                     - (await objective.TrainLossGrad(TestProblems.Shift(theta, j, -H), lambda)).Loss) / (2 * H);
        TestProblems.AssertRelative(grad, fd, 1e-7, $"{what} gradient");

        var v = TestProblems.Vector(theta.Length, 5);
        var plus = (await objective.TrainLossGrad(Step(theta, v, H), lambda)).Gradient;
        var minus = (await objective.TrainLossGrad(Step(theta, v, -H), lambda)).Gradient;
        var fdHv = plus.Zip(minus, (a, b) => (a - b) / (2 * H)).ToArray();
        await objective.TrainLossGrad(theta, lambda);
        TestProblems.AssertRelative(await objective.TrainHvp(v), fdHv, 1e-7, $"{what} HVP");

        var fdCross = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
            fdCross[k] = (Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, H))).Gradient, v)
                          - Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, -H))).Gradient, v)) / (2 * H);
        await objective.TrainLossGrad(theta, lambda);
        TestProblems.AssertRelative(await objective.CrossTerm(v), fdCross, 1e-7, $"{what} cross term");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Hypergradient_matches_finite_differences_of_the_re_solved_validation_loss(string activation, string hidden, string kind)
    {
        var problem = Make(activation, hidden, kind);
        var objective = new LocalObjective(problem);
        // λ near −4: strong enough for H ≻ 0 at θ*, weak enough that the weights do not all decay to 0
        // (a network that predicts a constant has a zero hypergradient, and the test would prove nothing).
        var lambda = TestProblems.Lambda(problem.HyperCount, kind == "example-weights" ? 0.3 : -4.0);
        var inner = new TrustRegionNewtonCg { Tolerance = 1e-12 };
        var result = await new ImplicitHypergradient(inner, new ConjugateGradient { Tolerance = 1e-13 }).Compute(objective, lambda);
        Assert.True(result.Inner.Converged, $"inner ‖∇f‖ = {result.Inner.GradientNorm:E2}");

        const double h = 1e-4;
        var fd = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
            fd[k] = (await ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, h), result.Theta)
                     - await ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, -h), result.Theta)) / (2 * h);
        TestProblems.AssertRelative(result.Hypergradient, fd, 1e-5,
            $"{activation} [{hidden}] {kind} (dg/dλ {string.Join(", ", result.Hypergradient.Take(3))}; fd {string.Join(", ", fd.Take(3))}; cg {result.Solve.Iterations} residual {result.Solve.Residual:E2}, inner {result.Inner.Iterations})");
        Assert.True(Vec.Norm(fd) > 1e-6, "a vanishing hypergradient would make this test vacuous");
    }

    [Fact]
    public async Task Trust_region_reaches_a_local_minimum_where_newton_directions_would_not_descend()
    {
        // From the Glorot start with a weak penalty the Hessian is indefinite; the solve must still
        // reach ∇f = 0 at a point where H is positive definite (a minimum, not a saddle).
        var problem = Make("tanh", "5", "l2", fixedL2: 1e-3);
        var objective = new LocalObjective(problem);
        var lambda = new[] { -6.0 };
        await objective.TrainLossGrad(objective.InitialTheta, lambda);
        Assert.True(MinEigenvalue(await DenseHessian(objective)) < 0, "the start should have negative curvature, or this test proves nothing");

        var result = await new TrustRegionNewtonCg { Tolerance = 1e-11 }.Minimize(objective, lambda);
        Assert.True(result.Converged, $"‖∇f‖ = {result.GradientNorm:E2}");
        double start = (await objective.TrainLossGrad(objective.InitialTheta, lambda)).Loss;
        Assert.True(result.Loss < start);
        await objective.TrainLossGrad(result.Theta, lambda);
        Assert.True(MinEigenvalue(await DenseHessian(objective)) > 0, "θ* should be a local minimum");
    }

    [Fact]
    public async Task Negative_curvature_met_by_cg_is_reported_and_damping_solves_the_shifted_system()
    {
        // A point where H is indefinite, taken as θ* (a loose inner tolerance stops at the start):
        // the linear solve must refuse it, naming --damping, and with δ > −λ_min(H) solve (H + δI)v = ∇g.
        var problem = Make("tanh", "5", "l2", fixedL2: 1e-3);
        var objective = new LocalObjective(problem);
        var lambda = new[] { -6.0 };
        var stopAtStart = new TrustRegionNewtonCg { Tolerance = 1e3 };
        var error = await Assert.ThrowsAsync<SolverException>(async () =>
            await new ImplicitHypergradient(stopAtStart, new ConjugateGradient { Tolerance = 1e-12 }).Compute(objective, lambda));
        Assert.Contains("pᵀHp", error.Message);
        Assert.Contains("--damping", error.Message);

        var hessian = await DenseHessian(objective);
        double smallest = MinEigenvalue(hessian);
        Assert.True(smallest < 0);
        double damping = -smallest + 0.05;
        var damped = await new ImplicitHypergradient(stopAtStart, new ConjugateGradient { Tolerance = 1e-13 }, damping).Compute(objective, lambda);

        // v must solve (H + δI)v = ∇g, checked densely; the hypergradient is −(∂²f/∂λ∂θ)ᵀ v.
        var (_, gGrad) = await objective.ValLossGrad(damped.Theta);
        var v = (hessian + damping * Matrix<double>.Build.DenseIdentity(hessian.RowCount)).Solve(Vector<double>.Build.DenseOfArray(gGrad));
        TestProblems.AssertRelative(damped.V, v.ToArray(), 1e-9, "damped v");
        await objective.TrainLossGrad(damped.Theta, lambda);
        var cross = await objective.CrossTerm(v.ToArray());
        TestProblems.AssertRelative(damped.Hypergradient, cross.Select(c => -c).ToArray(), 1e-9, "damped hypergradient");
    }

    [Fact]
    public async Task Shards_sum_to_the_same_objective()
    {
        var problem = Make("softplus", "4,3", "l2-param", rows: 101);
        var theta = TestProblems.Vector(problem.ParameterCount, 11);
        var lambda = TestProblems.Lambda(problem.HyperCount);
        var v = TestProblems.Vector(problem.ParameterCount, 12);
        var one = new LocalObjective(problem);
        var (loss1, grad1) = await one.TrainLossGrad(theta, lambda);
        var hv1 = await one.TrainHvp(v);
        foreach (int shards in new[] { 3, 8 })
        {
            var many = new LocalObjective(problem, shards);
            var (loss, grad) = await many.TrainLossGrad(theta, lambda);
            Assert.Equal(loss1, loss, 1e-13);
            TestProblems.AssertRelative(grad, grad1, 1e-13, $"{shards} shards gradient");
            TestProblems.AssertRelative(await many.TrainHvp(v), hv1, 1e-13, $"{shards} shards HVP");
        }
    }

    [Fact]
    public void Layout_follows_the_spec_and_glorot_is_seeded()
    {
        var model = new MlpModel(784, [256], 10);
        Assert.Equal(784 * 256 + 256 + 256 * 10 + 9, model.Layout.Dimension);
        Assert.Equal(203_264, model.Layout.WeightCount); // one l2-param entry per weight (SPEC §7)
        var a = model.InitialTheta(7);
        Assert.Equal(a, model.InitialTheta(7));
        Assert.NotEqual(a, model.InitialTheta(8));
        double limit = Math.Sqrt(6.0 / (784 + 256));
        Assert.All(a.AsSpan(0, 784 * 256).ToArray(), w => Assert.InRange(w, -limit, limit));
        Assert.All(a.AsSpan(784 * 256, 256).ToArray(), b => Assert.Equal(0.0, b));
        Assert.InRange(a.Take(784 * 256).Select(Math.Abs).Max(), 0.99 * limit, limit); // the range is used, not a narrower one
    }

    private static double[] Step(double[] theta, double[] v, double h) => theta.Zip(v, (t, d) => t + h * d).ToArray();

    /// <summary>g at θ*(λ) re-solved tightly from a warm start: the function the hypergradient is checked against.</summary>
    internal static async Task<double> ValidationLossAt(IBilevelObjective objective, IInnerSolver inner, double[] lambda, double[] warm)
    {
        var solution = await inner.Minimize(objective, lambda, warm);
        Assert.True(solution.Converged, $"inner solve at a perturbed λ stopped at ‖∇f‖ = {solution.GradientNorm:E2}");
        return (await objective.ValLossGrad(solution.Theta)).Loss;
    }

    /// <summary>H column by column from HVPs of unit vectors, at the objective's point.</summary>
    private static async Task<Matrix<double>> DenseHessian(IBilevelObjective objective)
    {
        int d = objective.ParameterCount;
        var h = Matrix<double>.Build.Dense(d, d);
        for (int j = 0; j < d; j++)
        {
            var e = new double[d];
            e[j] = 1;
            h.SetColumn(j, await objective.TrainHvp(e));
        }
        return h;
    }

    private static double MinEigenvalue(Matrix<double> h) => ((h + h.Transpose()) / 2).Evd().EigenValues.Min(e => e.Real);
}
