using HyperIft.Numerics.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>CG on random SPD matrices with a chosen spectrum A = Q diag(σ) Qᵀ, against Cholesky.</summary>
public class ConjugateGradientTests
{
    private static Matrix<double> WithSpectrum(double[] eigenvalues, int seed)
    {
        int n = eigenvalues.Length;
        var random = new Random(seed);
        var g = Matrix<double>.Build.Dense(n, n, (_, _) => random.NextDouble() * 2 - 1);
        var q = g.QR().Q;
        var a = q * Matrix<double>.Build.DiagonalOfDiagonalArray(eigenvalues) * q.Transpose();
        return (a + a.Transpose()) * 0.5;
    }

    private static double[] LogSpaced(int n, double condition) =>
        Enumerable.Range(0, n).Select(i => Math.Pow(condition, i / (double)(n - 1))).ToArray();

    private static double[] Rhs(int n, int seed) => TestProblems.Vector(n, seed);

    [Theory]
    // Exact-arithmetic CG ends within n steps; in floating point, well-separated spectra lose
    // orthogonality and can take longer (κ = 100, n = 40 takes 55 here and in a numpy CG alike),
    // so the "≤ n" claim is checked at moderate condition numbers.
    [InlineData(40, 10, 1)]
    [InlineData(60, 30, 2)]
    public async Task Agrees_with_Cholesky_and_the_A_norm_error_never_increases(int n, double condition, int seed)
    {
        var a = WithSpectrum(LogSpaced(n, condition), seed);
        var b = Rhs(n, seed + 10);
        var exact = a.Cholesky().Solve(Vector<double>.Build.DenseOfArray(b));
        var errors = new List<double>();
        var recursiveVsTrue = new List<(double Recursive, double True)>();
        var cg = new ConjugateGradient
        {
            Tolerance = 1e-12,
            OnIteration = it =>
            {
                var e = Vector<double>.Build.DenseOfArray(it.X) - exact;
                errors.Add(Math.Sqrt(e.DotProduct(a * e)));
                var r = Vector<double>.Build.DenseOfArray(b) - a * Vector<double>.Build.DenseOfArray(it.X);
                recursiveVsTrue.Add((it.RelativeResidual, r.L2Norm() / Vec.Norm(b)));
            },
        };
        var result = await cg.Solve(new DenseOperator(a), b);

        Assert.True(result.Converged);
        Assert.True(result.Iterations <= n, $"{result.Iterations} iterations for n = {n}");
        TestProblems.AssertRelative(result.Solution, exact.ToArray(), 1e-10, "CG vs Cholesky");
        for (int k = 1; k < errors.Count; k++)
            Assert.True(errors[k] <= errors[k - 1] * (1 + 1e-10) + 1e-15, $"A-norm error rose at iteration {k + 1}");
        // The recursive residual is what CG stops on: it must track the true one (a wrong update would not).
        foreach (var (recursive, trueResidual) in recursiveVsTrue)
            Assert.True(Math.Abs(recursive - trueResidual) <= 1e-12 + 1e-6 * trueResidual, $"{recursive:E3} vs {trueResidual:E3}");
        Assert.True(result.Residual <= 1e-12, $"reported residual {result.Residual:E2}");
    }

    [Fact]
    public async Task Terminates_in_as_many_iterations_as_distinct_eigenvalues()
    {
        var eigenvalues = Enumerable.Range(0, 50).Select(i => new[] { 1.0, 2.0, 5.0, 10.0, 30.0 }[i % 5]).ToArray();
        var a = WithSpectrum(eigenvalues, 3);
        var result = await new ConjugateGradient { Tolerance = 1e-10 }.Solve(new DenseOperator(a), Rhs(50, 4));
        Assert.True(result.Iterations <= 5, $"{result.Iterations} iterations for 5 distinct eigenvalues");
        Assert.True(result.Residual <= 1e-10);
    }

    [Fact]
    public async Task Warm_start_from_the_answer_takes_at_most_one_iteration()
    {
        var a = WithSpectrum(LogSpaced(30, 50), 5);
        var b = Rhs(30, 6);
        var answer = a.Cholesky().Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();
        var result = await new ConjugateGradient { Tolerance = 1e-10 }.Solve(new DenseOperator(a), b, answer);
        Assert.True(result.Iterations <= 1, $"{result.Iterations} iterations from the answer");
        TestProblems.AssertRelative(result.Solution, answer, 1e-12, "warm-started solution");
    }

    [Fact]
    public async Task An_indefinite_matrix_is_reported_not_solved()
    {
        var eigenvalues = LogSpaced(20, 10);
        eigenvalues[7] = -3.0;
        var a = WithSpectrum(eigenvalues, 7);
        var result = await new ConjugateGradient().Solve(new DenseOperator(a), Rhs(20, 8));
        Assert.Equal(SolveOutcome.NegativeCurvature, result.Outcome);
        var error = Assert.Throws<SolverException>(() => result.Usable());
        Assert.Contains("not positive definite", error.Message);
    }

    [Theory]
    [InlineData(-1e-15, false)] // |λ| far below ε·‖A‖: indistinguishable from rounding, the iterate is kept
    [InlineData(-1e-6, true)]   // a real, if small, negative eigenvalue
    public async Task Curvature_at_rounding_level_ends_the_solve_but_a_real_negative_eigenvalue_is_reported(double smallest, bool reported)
    {
        var eigenvalues = LogSpaced(20, 10);
        eigenvalues[0] = smallest;
        var result = await new ConjugateGradient { Tolerance = 1e-14 }.Solve(new DenseOperator(WithSpectrum(eigenvalues, 7)), Rhs(20, 8));
        Assert.Equal(reported, result.Outcome == SolveOutcome.NegativeCurvature);
        if (!reported) Assert.True(double.IsFinite(result.Residual) && result.Outcome != SolveOutcome.Diverged);
    }

    [Fact]
    public async Task A_solve_stopped_by_its_cap_or_by_cancellation_says_so()
    {
        var a = new DenseOperator(WithSpectrum(LogSpaced(30, 1000), 3));
        var capped = await new ConjugateGradient { Tolerance = 1e-12, MaxIterations = 3 }.Solve(a, Rhs(30, 4));
        Assert.Equal(SolveOutcome.IterationCap, capped.Outcome);
        Assert.Equal(3, capped.Iterations);
        Assert.True(capped.Residual > 1e-12);
        Assert.Same(capped, capped.Usable()); // usable, with a warning

        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var cancelled = await new ConjugateGradient().Solve(a, Rhs(30, 4), ct: cancel.Token);
        Assert.Equal(SolveOutcome.Cancelled, cancelled.Outcome);
        Assert.Throws<OperationCanceledException>(() => cancelled.Usable());
    }

    [Fact]
    public async Task Jacobi_preconditioning_cuts_iterations_on_a_badly_scaled_matrix_and_keeps_the_answer()
    {
        int n = 60;
        var core = WithSpectrum(LogSpaced(n, 10), 9);
        var scale = Matrix<double>.Build.DiagonalOfDiagonalArray(
            Enumerable.Range(0, n).Select(i => Math.Pow(10, 3.0 * i / n)).ToArray());
        var a = scale * core * scale;
        a = (a + a.Transpose()) * 0.5;
        var b = Rhs(n, 10);
        var plain = await new ConjugateGradient { Tolerance = 1e-10, MaxIterations = 5000 }.Solve(new DenseOperator(a), b);
        var jacobi = await new ConjugateGradient { Tolerance = 1e-10, Jacobi = true }.Solve(new DenseOperator(a), b);
        var exact = a.Cholesky().Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();
        Assert.True(jacobi.Iterations < plain.Iterations / 2, $"Jacobi {jacobi.Iterations} vs plain {plain.Iterations}");
        TestProblems.AssertRelative(jacobi.Solution, exact, 1e-7, "Jacobi-preconditioned CG");
    }

    [Fact]
    public async Task Zero_right_hand_side_gives_zero_without_products()
    {
        var result = await new ConjugateGradient().Solve(new DenseOperator(WithSpectrum(LogSpaced(5, 2), 1)), new double[5]);
        Assert.Equal(0, result.Iterations);
        Assert.All(result.Solution, x => Assert.Equal(0.0, x));
    }
}
