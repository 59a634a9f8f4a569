using HyperIft.Numerics.Objectives;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Each derivative the solvers rely on, checked against central differences of the quantity below
/// it: ∇f from f, ∇²f·v from ∇f, the diagonal from HVPs of unit vectors, the cross term from ∇f in λ.
/// </summary>
public class ModelDerivativeTests
{
    private const double H = 1e-5;

    [Theory]
    [MemberData(nameof(TestProblems.AllCombinations), MemberType = typeof(TestProblems))]
    public async Task Gradient_matches_finite_differences_of_the_loss(string model, string kind)
    {
        var (objective, theta, lambda) = At(model, kind, thetaSeed: 3);
        var (_, grad) = await objective.TrainLossGrad(theta, lambda);
        var fd = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++)
        {
            double plus = (await objective.TrainLossGrad(TestProblems.Shift(theta, j, H), lambda)).Loss;
            double minus = (await objective.TrainLossGrad(TestProblems.Shift(theta, j, -H), lambda)).Loss;
            fd[j] = (plus - minus) / (2 * H);
        }
        TestProblems.AssertRelative(grad, fd, 1e-7, $"{model}/{kind} gradient");
    }

    [Theory]
    [MemberData(nameof(TestProblems.AllCombinations), MemberType = typeof(TestProblems))]
    public async Task Hvp_and_diagonal_match_finite_differences_of_the_gradient(string model, string kind)
    {
        var (objective, theta, lambda) = At(model, kind, thetaSeed: 4);
        var v = TestProblems.Vector(theta.Length, 5);

        var plus = (await objective.TrainLossGrad(Step(theta, v, H), lambda)).Gradient;
        var minus = (await objective.TrainLossGrad(Step(theta, v, -H), lambda)).Gradient;
        var fd = plus.Zip(minus, (a, b) => (a - b) / (2 * H)).ToArray();

        await objective.TrainLossGrad(theta, lambda);
        TestProblems.AssertRelative(await objective.TrainHvp(v), fd, 1e-7, $"{model}/{kind} HVP");

        var diagonal = await objective.TrainHessianDiagonal();
        for (int j = 0; j < theta.Length; j++)
        {
            var e = new double[theta.Length];
            e[j] = 1;
            Assert.Equal((await objective.TrainHvp(e))[j], diagonal[j], 1e-13);
        }
    }

    [Theory]
    [MemberData(nameof(TestProblems.AllCombinations), MemberType = typeof(TestProblems))]
    public async Task Cross_term_matches_finite_differences_in_lambda(string model, string kind)
    {
        var (objective, theta, lambda) = At(model, kind, thetaSeed: 6);
        var v = TestProblems.Vector(theta.Length, 7);

        var fd = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
        {
            double plus = Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, H))).Gradient, v);
            double minus = Vec.Dot((await objective.TrainLossGrad(theta, TestProblems.Shift(lambda, k, -H))).Gradient, v);
            fd[k] = (plus - minus) / (2 * H);
        }
        await objective.TrainLossGrad(theta, lambda);
        TestProblems.AssertRelative(await objective.CrossTerm(v), fd, 1e-7, $"{model}/{kind} cross term");
    }

    [Fact]
    public async Task Softmax_last_intercept_is_pinned_and_weights_are_feature_major()
    {
        // p = 2, C = 3: θ = [W00 W01 W02 W10 W11 W12 b0 b1]; a row x = (1, 0) with b = 0 scores z_c = W0c.
        var model = new Models.SoftmaxModel(2, 3);
        Assert.Equal(8, model.Layout.Dimension);
        var data = new DataBlock(new double[] { 1, 0 }, new double[] { 2 }, 2);
        double[] theta = [0.1, 0.2, 0.7, 5, 5, 5, 0, 0];
        var grad = new double[8];
        double loss = model.LossGrad(data, theta, [], grad, []);
        double lse = Math.Log(Math.Exp(0.1) + Math.Exp(0.2) + Math.Exp(0.7));
        Assert.Equal(lse - 0.7, loss, 1e-15);
        Assert.Equal(Math.Exp(0.1 - lse), grad[0], 1e-15);        // ∂/∂W00 = π0 · x0
        Assert.Equal(Math.Exp(0.7 - lse) - 1, grad[2], 1e-15);    // ∂/∂W02 = (π2 − 1) · x0
        Assert.Equal(0.0, grad[3]);                                // x1 = 0
        Assert.Equal(Math.Exp(0.1 - lse), grad[6], 1e-15);        // b0
        await Task.CompletedTask;
    }

    [Fact]
    public void Logistic_loss_is_accurate_for_large_margins()
    {
        var model = new Models.LogisticModel(1);
        // log(1 + e^{-40}) = e^{-40} to 17 digits; a naive log(1 + x) returns 0.
        Assert.Equal(Math.Exp(-40), model.Pointwise(40, 1).Loss, Math.Exp(-40) * 1e-14);
        Assert.Equal(40 + Math.Exp(-40), model.Pointwise(40, 0).Loss, 1e-12);
        Assert.Equal(model.Pointwise(2.5, -1).Loss, model.Pointwise(2.5, 0).Loss);
    }

    /// <summary>A test problem's objective, a seeded θ and the λ every derivative check uses.</summary>
    private static (LocalObjective Objective, double[] Theta, double[] Lambda) At(string model, string kind, int thetaSeed)
    {
        var problem = TestProblems.Make(model, kind);
        return (new LocalObjective(problem), TestProblems.Vector(problem.ParameterCount, thetaSeed), TestProblems.Lambda(problem.HyperCount, -1.0));
    }

    private static double[] Step(double[] x, double[] v, double h)
    {
        var y = (double[])x.Clone();
        Vec.Axpy(h, v, y);
        return y;
    }
}
