using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The end-to-end claim: dg/dλ from the IFT equals central differences of λ ↦ g(θ*(λ)), with the
/// inner problem re-solved tightly at every perturbed λ, for every model × hyperparameter kind.
/// </summary>
public class HypergradientFiniteDifferenceTests
{
    private const double H = 1e-4;

    [Theory]
    [MemberData(nameof(TestProblems.AllCombinations), MemberType = typeof(TestProblems))]
    public async Task Hypergradient_matches_finite_differences(string model, string kind)
    {
        var problem = TestProblems.Make(model, kind, rows: 40, features: 4);
        var objective = new LocalObjective(problem);
        var lambda = TestProblems.Lambda(problem.HyperCount, kind == "example-weights" ? 0.3 : -2.0);
        var inner = new NewtonCg { Tolerance = 1e-13 };
        var ift = new ImplicitHypergradient(inner, new ConjugateGradient { Tolerance = 1e-13 });
        var result = await ift.Compute(objective, lambda);
        Assert.True(result.Inner.Converged, $"inner ‖∇f‖ = {result.Inner.GradientNorm:E2}");

        var fd = new double[lambda.Length];
        for (int k = 0; k < lambda.Length; k++)
        {
            fd[k] = (await ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, H), result.Theta)
                     - await ValidationLossAt(objective, inner, TestProblems.Shift(lambda, k, -H), result.Theta)) / (2 * H);
        }
        TestProblems.AssertRelative(result.Hypergradient, fd, 1e-5, $"{model}/{kind}");
        Assert.True(Vec.Norm(fd) > 1e-6, "a vanishing hypergradient would make this test vacuous");
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("neumann")]
    public async Task Every_solver_gives_the_same_hypergradient(string solverName)
    {
        var problem = TestProblems.Make("logistic", "l2-feature", rows: 50, features: 5);
        var lambda = TestProblems.Lambda(problem.HyperCount, -1.0);
        var reference = await new ImplicitHypergradient(new NewtonCg { Tolerance = 1e-13 },
            new ConjugateGradient { Tolerance = 1e-13 }).Compute(new LocalObjective(problem), lambda);
        ILinearSolver solver = solverName == "exact" ? new DenseCholeskySolver() : new NeumannSeries { Terms = 3000 };
        var result = await new ImplicitHypergradient(new NewtonCg { Tolerance = 1e-13 }, solver)
            .Compute(new LocalObjective(problem), lambda);
        TestProblems.AssertRelative(result.Hypergradient, reference.Hypergradient, solverName == "exact" ? 1e-10 : 1e-6, solverName);
        Assert.True(result.Solve.Residual < (solverName == "exact" ? 1e-12 : 1e-6), $"residual {result.Solve.Residual:E2}");
    }

    private static async Task<double> ValidationLossAt(IBilevelObjective objective, NewtonCg inner, double[] lambda, double[] warm)
    {
        var solution = await inner.Minimize(objective, lambda, warm);
        Assert.True(solution.Converged, $"inner solve at a perturbed λ stopped at ‖∇f‖ = {solution.GradientNorm:E2}");
        return (await objective.ValLossGrad(solution.Theta)).Loss;
    }
}
