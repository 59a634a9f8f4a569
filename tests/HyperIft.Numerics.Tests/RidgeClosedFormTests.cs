using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Ridge with one global L2 has a closed-form path. With an unregularized intercept, w solves the
/// centered problem: w(λ) = Q (Λ + e^λ I)⁻¹ Qᵀ c, where Σ = X̃ᵀX̃/n = QΛQᵀ, c = X̃ᵀỹ/n, and
/// b = ȳ − x̄ᵀw. Hence dw/dλ = −e^λ Q (Λ + e^λ I)⁻² Qᵀ c, db/dλ = −x̄ᵀ dw/dλ, and
/// dg/dλ = −(1/m) Σ_j r_j (x'_jᵀ dw/dλ + db/dλ). No Hessian solve, no IFT: an independent reference.
/// </summary>
public class RidgeClosedFormTests
{
    [Theory]
    [InlineData(true, -3.0)]
    [InlineData(true, 0.5)]
    [InlineData(false, -1.0)]
    public async Task Implicit_hypergradient_matches_the_spectral_closed_form(bool intercept, double lambda)
    {
        var problem = TestProblems.Make("ridge", "l2", rows: 80, features: 6, intercept: intercept);
        var (expectedLoss, expectedGrad) = ClosedForm(problem, lambda, intercept);

        foreach (var (solver, tolerance) in new (ILinearSolver, double)[]
                 {
                     (new DenseCholeskySolver(), 1e-8),
                     (new ConjugateGradient { Tolerance = 1e-10 }, 1e-6),
                 })
        {
            var ift = new ImplicitHypergradient(new NewtonCg { Tolerance = 1e-12 }, solver);
            var result = await ift.Compute(new LocalObjective(problem), [lambda]);
            double relative = Math.Abs(result.Hypergradient[0] - expectedGrad) / Math.Abs(expectedGrad);
            Assert.True(relative <= tolerance, $"{solver.Name}: relative error {relative:E3} > {tolerance:E0}");
            Assert.Equal(expectedLoss, result.ValidationLoss, 1e-12);
        }
    }

    private static (double Loss, double Gradient) ClosedForm(BilevelProblem problem, double lambda, bool intercept)
    {
        var train = problem.Train;
        var val = problem.Validation;
        int n = train.Rows, p = train.Features, m = val.Rows;
        var x = Matrix<double>.Build.Dense(n, p, (i, f) => train.X.Span[i * p + f]);
        var y = Vector<double>.Build.DenseOfArray(train.Y.ToArray());
        var xMean = intercept ? x.ColumnSums() / n : Vector<double>.Build.Dense(p);
        double yMean = intercept ? y.Sum() / n : 0;
        var xc = x - Matrix<double>.Build.Dense(n, p, (_, f) => xMean[f]);
        var yc = y - yMean;

        var evd = (xc.TransposeThisAndMultiply(xc) / n).Evd(Symmetricity.Symmetric);
        var q = evd.EigenVectors;
        var eig = evd.EigenValues.Map(e => e.Real);
        var qc = q.TransposeThisAndMultiply(xc.TransposeThisAndMultiply(yc) / n);
        double s = Math.Exp(lambda);
        var w = q * Vector<double>.Build.Dense(p, k => qc[k] / (eig[k] + s));
        var dw = q * Vector<double>.Build.Dense(p, k => -s * qc[k] / Math.Pow(eig[k] + s, 2));
        double b = intercept ? yMean - xMean.DotProduct(w) : 0;
        double db = intercept ? -xMean.DotProduct(dw) : 0;

        double loss = 0, grad = 0;
        for (int j = 0; j < m; j++)
        {
            var row = Vector<double>.Build.DenseOfArray(val.X.Span.Slice(j * p, p).ToArray());
            double r = val.Y.Span[j] - row.DotProduct(w) - b;
            loss += 0.5 * r * r / m;
            grad -= r * (row.DotProduct(dw) + db) / m;
        }
        return (loss, grad);
    }
}
