using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The Kronecker-factored preconditioner: exactly the inverse of S ⊗ A + D ⊗ I (and of the intercepts'
/// block) against a dense solve; and as a preconditioner of real Hessians, the same solutions as plain
/// CG in fewer iterations, for the linear solve and the inner Newton solve.
/// </summary>
public class KroneckerPreconditionerTests
{
    [Theory]
    [InlineData(7, 4, 3, 0.0, false)]
    [InlineData(5, 1, 1, 0.0, false)]
    [InlineData(6, 3, 0, 0.25, false)]
    [InlineData(7, 4, 3, 0.0, true)]
    [InlineData(100, 3, 2, 0.0, false)] // wide enough for the native eigensolver (NativeLapack)
    public void It_inverts_a_kronecker_sum_exactly(int p, int k, int intercepts, double shift, bool uniform)
    {
        var random = new Random(p * 10 + k);
        var g = Matrix<double>.Build.Dense(2 * p, p, (_, _) => random.NextDouble() - 0.3);
        var s = g.TransposeThisAndMultiply(g) / (2 * p);
        // A like a softmax curvature: diag(π) − ππᵀ averaged over a few π (singular along 1).
        var a = Matrix<double>.Build.Dense(k, k);
        for (int t = 0; t < 5; t++)
        {
            var pi = Vector<double>.Build.Dense(k, _ => random.NextDouble() + 0.1);
            pi /= pi.Sum();
            a += k == 1 ? Matrix<double>.Build.Dense(1, 1, 0.2 + t * 0.1) : Matrix<double>.Build.DenseOfDiagonalVector(pi) - pi.OuterProduct(pi);
        }
        var d = Enumerable.Range(0, p).Select(_ => Math.Exp(-3 + 2 * random.NextDouble()) + shift).ToArray();
        if (uniform) Array.Fill(d, 0.07); // one L2 strength: the basis of S itself, rescaled

        // Dense H in θ's order (W feature-major, then the intercepts).
        int weights = p * k, n = weights + intercepts;
        var h = Matrix<double>.Build.Dense(n, n);
        for (int f = 0; f < p; f++)
            for (int c = 0; c < k; c++)
                for (int f2 = 0; f2 < p; f2++)
                    for (int c2 = 0; c2 < k; c2++)
                        h[f * k + c, f2 * k + c2] = s[f, f2] * a[c, c2] + (f == f2 && c == c2 ? d[f] : 0);
        for (int i = 0; i < intercepts; i++)
            for (int j = 0; j < intercepts; j++) h[weights + i, weights + j] = a[i, j] + (i == j ? shift : 0);

        var gram = new GramBasis(s.ToRowMajorArray(), p);
        if (uniform) gram.For(Enumerable.Repeat(0.5, p).ToArray()); // computed at another strength first
        var basis = gram.For(d);
        var preconditioner = KroneckerPreconditioner.Create(basis, a.ToRowMajorArray(), k, intercepts, shift);
        var r = TestProblems.Vector(n, 9);
        var expected = h.Solve(Vector<double>.Build.DenseOfArray(r)).ToArray();
        TestProblems.AssertRelative(preconditioner.Apply(r), expected, 1e-10, "P⁻¹r");
    }

    [Theory]
    [InlineData("softmax", "l2-feature")]
    [InlineData("softmax", "l2")]
    [InlineData("logistic", "l2-feature")]
    [InlineData("softmax", "example-weights")]
    public async Task It_gives_the_same_solutions_in_fewer_iterations(string model, string kind)
    {
        var problem = TestProblems.Make(model, kind, rows: 400, features: 24, classes: 5, seed: 3);
        var lambda = TestProblems.Lambda(problem.HyperCount, kind == "example-weights" ? 0.3 : -6.0);

        async Task<(double[] Theta, double[] V, int Newton, int Cg)> Solve(bool kronecker)
        {
            var objective = new LocalObjective(problem, shards: 3);
            var inner = await new NewtonCg { Tolerance = 1e-12, Kronecker = kronecker }.Minimize(objective, lambda);
            Assert.True(inner.Converged, $"inner ‖∇f‖ = {inner.GradientNorm:E2}");
            var b = (await objective.ValLossGrad(inner.Theta)).Gradient;
            await objective.TrainLossGrad(inner.Theta, lambda);
            var solve = await new ConjugateGradient { Tolerance = 1e-12, Kronecker = kronecker }.Solve(new HessianOperator(objective), b);
            Assert.Equal(SolveOutcome.Converged, solve.Outcome);
            return (inner.Theta, solve.Solution, inner.Iterations, solve.Iterations);
        }

        var plain = await Solve(false);
        var preconditioned = await Solve(true);
        TestProblems.AssertRelative(preconditioned.Theta, plain.Theta, 1e-9, $"{model}/{kind} θ*");
        TestProblems.AssertRelative(preconditioned.V, plain.V, 1e-9, $"{model}/{kind} H⁻¹∇g");
        Assert.True(preconditioned.Cg < plain.Cg, $"{model}/{kind}: {preconditioned.Cg} preconditioned CG iterations against {plain.Cg}");
    }

    [Fact]
    public async Task Too_many_features_are_refused_with_a_reason()
    {
        var wide = TestProblems.Make("logistic", "l2", rows: 20, features: GramBasis.MaxFeatures + 1);
        var objective = new LocalObjective(wide);
        await objective.TrainLossGrad(new double[wide.ParameterCount], [-2.0]);
        var error = await Assert.ThrowsAsync<SolverException>(async () => await objective.KroneckerPreconditioner(0));
        Assert.Contains("at most 4096 features", error.Message);
    }
}
