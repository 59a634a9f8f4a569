using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Influence (SPEC §9) is the example-weight hypergradient at λ = 0:
/// influence_i = dg/dλ_i = ½ dg/dc_i = −(1/2n) ∇ℓ_iᵀ H⁻¹ ∇g. Removing row i is c_i: 1 → 0, so
/// Δg_i = g(θ* without row i) − g(θ*) = −dg/dc_i + (second order) = −2·influence_i + (second order)
/// (Koh &amp; Liang 2017 in this objective's scaling; f keeps its 1/n). Tested twice: exactly, as the
/// derivative in c_i at c = 1; and against exact leave-one-out re-solves, where the first-order error
/// is modest and shrinks as n grows, which a wrong factor (½, 2, 1/n, a sign) could not do.
/// </summary>
public class InfluenceTests
{
    /// <summary>λ_i that removes row i: c_i = 2σ(−40) ≈ 8.5·10⁻¹⁸.</summary>
    private const double Removed = -40;

    [Theory]
    [InlineData("logistic")]
    [InlineData("softmax")]
    public async Task Influence_is_half_the_derivative_of_the_validation_loss_in_a_row_weight(string model)
    {
        const int rows = 50;
        const double eps = 1e-4;
        var (objective, inner, atZero) = await AtZero(model, rows);
        foreach (int i in new[] { 0, 7, 23, 49 })
        {
            double up = await ValidationLossWith(objective, inner, atZero.Theta, i, 1 + eps);
            double down = await ValidationLossWith(objective, inner, atZero.Theta, i, 1 - eps);
            double dgdc = (up - down) / (2 * eps);
            Assert.True(Math.Abs(2 * atZero.Hypergradient[i] - dgdc) <= 1e-6 * Math.Abs(dgdc) + 1e-12,
                $"{model} row {i}: 2·influence = {2 * atZero.Hypergradient[i]:E10}, dg/dc by central differences = {dgdc:E10}");
        }
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("softmax")]
    public async Task Influence_predicts_leave_one_out_to_first_order(string model)
    {
        double small = await LeaveOneOutError(model, rows: 60);
        double large = await LeaveOneOutError(model, rows: 240);
        // Measured: 0.28 → 0.14 (logistic), 0.20 → 0.08 (softmax); a factor 2 off would give ≥ 0.5.
        Assert.True(large <= 0.2, $"{model}, n = 240: ‖Δg + 2·influence‖ / ‖Δg‖ = {large:E2}");
        Assert.True(large <= small / 1.5, $"{model}: relative error {small:E2} at n = 60 and {large:E2} at n = 240 does not shrink with n");
    }

    /// <summary>‖Δg + 2·influence‖ / ‖Δg‖ over every row's exact leave-one-out change Δg.</summary>
    private static async Task<double> LeaveOneOutError(string model, int rows)
    {
        var (objective, inner, atZero) = await AtZero(model, rows);
        double error = 0, size = 0;
        for (int i = 0; i < rows; i++)
        {
            var lambda = new double[rows];
            lambda[i] = Removed;
            var solution = await inner.Minimize(objective, lambda, atZero.Theta);
            Assert.True(solution.Converged, $"leave-one-out re-solve of row {i}: ‖∇f‖ = {solution.GradientNorm:E2}");
            double delta = (await objective.ValLossGrad(solution.Theta)).Loss - atZero.ValidationLoss;
            error += Math.Pow(delta + 2 * atZero.Hypergradient[i], 2);
            size += delta * delta;
        }
        Assert.True(size > 1e-12, "no row changes the validation loss: the test would be vacuous");
        return Math.Sqrt(error / size);
    }

    private static async Task<(LocalObjective, NewtonCg, HypergradientResult)> AtZero(string model, int rows)
    {
        var problem = TestProblems.Make(model, ExampleWeights.KindName, rows: rows, features: 4, seed: 5);
        var objective = new LocalObjective(problem);
        var inner = new NewtonCg { Tolerance = 1e-13 };
        var atZero = await new ImplicitHypergradient(inner, new ConjugateGradient { Tolerance = 1e-13 })
            .Compute(objective, new double[rows]);
        return (objective, inner, atZero);
    }

    /// <summary>g(θ*) with row <paramref name="row"/> weighted <paramref name="weight"/> and every other row 1.</summary>
    private static async Task<double> ValidationLossWith(LocalObjective objective, NewtonCg inner, double[] warm, int row, double weight)
    {
        var lambda = new double[objective.HyperCount];
        lambda[row] = Math.Log(weight / (2 - weight)); // c = 2σ(λ) ⇔ λ = logit(c/2)
        var solution = await inner.Minimize(objective, lambda, warm);
        Assert.True(solution.Converged, $"re-solve: ‖∇f‖ = {solution.GradientNorm:E2}");
        return (await objective.ValLossGrad(solution.Theta)).Loss;
    }
}
