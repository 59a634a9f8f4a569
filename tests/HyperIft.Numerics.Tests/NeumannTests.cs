using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Lorraine et al.'s identity: a K-term Neumann series is exactly K steps of gradient descent on f,
/// started at θ* and differentiated in reverse mode. The unrolled side below runs real GD steps
/// through the objective and back-propagates through them, with no Neumann code involved.
/// </summary>
public class NeumannTests
{
    [Theory]
    [InlineData("l2-feature", 1)]
    [InlineData("l2-feature", 25)]
    [InlineData("l2-param", 60)]
    public async Task K_terms_equal_K_unrolled_reverse_mode_steps_on_a_quadratic(string kind, int steps)
    {
        var problem = TestProblems.Make("ridge", kind, rows: 50, features: 5);
        var objective = new LocalObjective(problem);
        var lambda = TestProblems.Lambda(problem.HyperCount, -1.5);
        var inner = await new NewtonCg { Tolerance = 1e-13 }.Minimize(objective, lambda);
        double lambdaMax = await PowerIteration.LargestEigenvalue(new HessianOperator(objective), 100);
        double alpha = 0.8 / lambdaMax;

        // Unrolled: θ_{t+1} = θ_t − α∇f(θ_t, λ), θ_0 = θ*. Reverse mode: a_K = ∇g(θ_K), and for
        // t = K−1..0: dλ −= α (∂²f/∂λ∂θ)ᵀ a_{t+1}, a_t = a_{t+1} − α H a_{t+1}.
        var trajectory = new List<double[]> { inner.Theta };
        for (int t = 0; t < steps; t++)
        {
            var (_, grad) = await objective.TrainLossGrad(trajectory[^1], lambda);
            var next = (double[])trajectory[^1].Clone();
            Vec.Axpy(-alpha, grad, next);
            trajectory.Add(next);
        }
        var adjoint = (await objective.ValLossGrad(trajectory[^1])).Gradient;
        var unrolled = new double[lambda.Length];
        for (int t = steps - 1; t >= 0; t--)
        {
            await objective.TrainLossGrad(trajectory[t], lambda); // products at θ_t
            Vec.Axpy(-alpha, await objective.CrossTerm(adjoint), unrolled);
            var h = await objective.TrainHvp(adjoint);
            Vec.Axpy(-alpha, h, adjoint);
        }

        var neumann = await new ImplicitHypergradient(new NewtonCg { Tolerance = 1e-13 },
            new NeumannSeries { Terms = steps, Alpha = alpha }).Compute(objective, lambda, new WarmStart(inner.Theta, null));
        TestProblems.AssertRelative(neumann.Hypergradient, unrolled, 1e-10, $"Neumann K={steps} vs unrolled");
    }

    [Fact]
    public async Task Many_terms_converge_to_the_inverse()
    {
        var problem = TestProblems.Make("ridge", "l2", rows: 50, features: 5);
        var objective = new LocalObjective(problem);
        await new NewtonCg().Minimize(objective, [-1.0]);
        var b = TestProblems.Vector(problem.ParameterCount, 2);
        var op = new HessianOperator(objective);
        var exact = await new DenseCholeskySolver().Solve(op, b);
        var series = await new NeumannSeries { Terms = 4000 }.Solve(op, b);
        TestProblems.AssertRelative(series.Solution, exact.Solution, 1e-8, "Neumann with α from power iteration");
        Assert.True(series.Residual < 1e-8);
    }
}
