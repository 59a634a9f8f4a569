using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Tests;

public class OptimizationTests
{
    [Theory]
    [InlineData("ridge")]
    [InlineData("logistic")]
    [InlineData("softmax")]
    public async Task Newton_cg_reaches_the_tolerance_and_the_dense_minimizer(string model)
    {
        var problem = TestProblems.Make(model, "l2-feature", rows: 80, features: 6);
        var objective = new LocalObjective(problem);
        var lambda = TestProblems.Lambda(problem.HyperCount, -3.0);
        var result = await new NewtonCg { Tolerance = 1e-10 }.Minimize(objective, lambda);
        Assert.True(result.Converged);
        Assert.True(result.GradientNorm <= 1e-10);
        Assert.True(result.Iterations <= 15, $"{result.Iterations} Newton iterations");
        var (_, grad) = await objective.TrainLossGrad(result.Theta, lambda);
        Assert.True(Vec.Norm(grad) <= 1e-10, "the reported gradient norm is the true one");

        // One exact Newton step from θ* moves θ by no more than H⁻¹∇f: tiny.
        var step = await new DenseCholeskySolver().Solve(new HessianOperator(objective), grad);
        Assert.True(Vec.Norm(step.Solution) <= 1e-8 * Math.Max(1, Vec.Norm(result.Theta)));
    }

    [Fact]
    public void Newton_steps_are_solved_superlinearly_but_not_past_the_tolerance()
    {
        var newton = new NewtonCg { Tolerance = 1e-4, StopNearTolerance = true };
        Assert.Equal(0.5, newton.Forcing(4.0));                 // far away: a loose step
        Assert.Equal(0.1, newton.Forcing(1e-2), 1e-15);         // √‖∇f‖
        Assert.Equal(0.05, newton.Forcing(1e-3), 1e-15);        // √ would be 0.032: ½·tol/‖∇f‖ is enough
        Assert.Equal(Math.Sqrt(1e-3), new NewtonCg { Tolerance = 1e-4 }.Forcing(1e-3), 1e-15); // a final solve goes past
        Assert.Equal(0.5 * 1e-10 / 1e-9, new NewtonCg { Tolerance = 1e-10, StopNearTolerance = true }.Forcing(1e-9), 1e-15);
        Assert.Equal(Math.Sqrt(1e-6), new NewtonCg { Tolerance = 1e-10, StopNearTolerance = true }.Forcing(1e-6), 1e-15);
    }

    [Fact]
    public void Only_the_steps_a_schedule_loosens_stop_near_their_tolerance()
    {
        var loop = new OuterLoop(new SolverSettings(InnerTolerance: 1e-8), new Adam(0.1), ToleranceSchedule.Hoag);
        Assert.True(loop.SettingsAt(0).ScheduledStep);           // 1e-4
        Assert.False(loop.SettingsAt(40).ScheduledStep);         // 1e-4·0.7⁴⁰ < 1e-8: the final tolerance
        Assert.False(new OuterLoop(new SolverSettings(), new Adam(0.1), ToleranceSchedule.Constant).SettingsAt(0).ScheduledStep);
        Assert.True(Assert.IsType<NewtonCg>(loop.SettingsAt(0).Build().Inner).StopNearTolerance);
        Assert.False(Assert.IsType<NewtonCg>(loop.SettingsAt(40).Build().Inner).StopNearTolerance);
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(1e-7)]
    public async Task A_loose_tolerance_is_still_reached(double tolerance)
    {
        var problem = TestProblems.Make("softmax", "l2-feature", rows: 200, features: 8);
        var objective = new LocalObjective(problem);
        var lambda = TestProblems.Lambda(problem.HyperCount, -4.0);
        var result = await new NewtonCg { Tolerance = tolerance, StopNearTolerance = true }.Minimize(objective, lambda);
        Assert.True(result.Converged);
        var (_, grad) = await objective.TrainLossGrad(result.Theta, lambda);
        Assert.True(Vec.Norm(grad) <= tolerance, $"‖∇f‖ = {Vec.Norm(grad):E3}");
    }

    [Fact]
    public void Adam_matches_a_hand_computed_step()
    {
        var adam = new Adam(0.1);
        var (lambda, state) = adam.Step([1.0, -2.0], [0.5, -4.0], OptimizerState.Initial(2));
        // Step 1: m̂ = g, v̂ = g², so Δ = −η·g/(|g| + ε) = −η·sign(g) up to ε.
        Assert.Equal(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), lambda[0], 1e-15);
        Assert.Equal(-2.0 + 0.1 * 4.0 / (4.0 + 1e-8), lambda[1], 1e-15);
        double first = lambda[0];
        (lambda, state) = adam.Step(lambda, [0.25, 1.0], state);
        double m = 0.9 * 0.05 + 0.1 * 0.25, v = 0.999 * 0.00025 + 0.001 * 0.0625;
        double expected = first - 0.1 * (m / (1 - 0.81)) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        Assert.Equal(expected, lambda[0], 1e-12);
        Assert.Equal(2, state.Step);
    }

    [Fact]
    public void Gradient_descent_steps_against_the_gradient()
    {
        var (lambda, state) = new GradientDescent(0.5).Step([1.0, 2.0], [2.0, -2.0], OptimizerState.Initial(2));
        Assert.Equal([0.0, 3.0], lambda);
        Assert.Equal(1, state.Step);
    }

    [Fact]
    public void Tolerance_schedule_shrinks_geometrically_to_the_final_tolerance()
    {
        var schedule = new ToleranceSchedule(1e-3, 0.5);
        Assert.Equal(1e-3, schedule.At(0, 1e-10));
        Assert.Equal(2.5e-4, schedule.At(2, 1e-10), 1e-18);
        Assert.Equal(1e-10, schedule.At(100, 1e-10));
        Assert.Equal(1e-10, ToleranceSchedule.Constant.At(0, 1e-10));
    }

    [Fact]
    public async Task Hoag_schedule_outer_loop_lowers_the_validation_loss()
    {
        var problem = TestProblems.Make("logistic", "l2-feature", rows: 120, features: 8);
        var loop = new OuterLoop(new SolverSettings(), new Adam(0.1), new ToleranceSchedule(1e-4, 0.7));
        var state = TuningState.Start(TestProblems.Lambda(problem.HyperCount, 0.0));
        var objective = new LocalObjective(problem);
        var first = double.NaN;
        for (int k = 0; k < 12; k++)
        {
            (state, var record, _) = await loop.Step(objective, state);
            if (k == 0) first = record.ValidationLoss;
        }
        double last = (await loop.Evaluate(objective, state)).ValidationLoss;
        Assert.True(last < first - 1e-3, $"validation loss {first} → {last}");
    }

    // With tight (constant) tolerances, losing the warm starts changes λ only by rounding. With a
    // HOAG schedule the early solves are loose by design, so a cold restart differs within them.
    [Fact]
    public async Task Outer_loop_lowers_the_validation_loss_and_resumes_exactly_from_its_state()
    {
        var problem = TestProblems.Make("logistic", "l2-feature", rows: 120, features: 8);
        var loop = new OuterLoop(new SolverSettings(), new Adam(0.1), ToleranceSchedule.Constant);
        var lambda0 = TestProblems.Lambda(problem.HyperCount, 0.0);

        var objective = new LocalObjective(problem);
        var state = TuningState.Start(lambda0);
        var records = new List<StepRecord>();
        for (int k = 0; k < 12; k++)
        {
            (state, var record, _) = await loop.Step(objective, state);
            records.Add(record);
        }
        Assert.True(records[^1].ValidationLoss < records[0].ValidationLoss,
            $"validation loss {records[0].ValidationLoss} → {records[^1].ValidationLoss}");

        // A run that restarts at step 6 from the persisted state (without warm starts: a cache) ends the same.
        var resumed = TuningState.Start(lambda0);
        for (int k = 0; k < 6; k++) (resumed, _, _) = await loop.Step(new LocalObjective(problem), resumed);
        resumed = resumed with { Warm = null };
        var fresh = new LocalObjective(problem);
        for (int k = 6; k < 12; k++) (resumed, _, _) = await loop.Step(fresh, resumed);
        TestProblems.AssertRelative(resumed.Lambda, state.Lambda, 1e-9, "resumed λ");
    }
}

public class MetricsTests
{
    [Fact]
    public void Accuracy_and_rmse_count_what_they_say()
    {
        // One feature, θ = [w, b] = [2, -1]: z = 2x − 1.
        var logistic = new Models.LogisticModel(1);
        var data = new DataBlock(new double[] { 0, 1, 2, 0.4 }, new double[] { 0, 1, 0, 1 }, 1);
        var m = Models.Metrics.Evaluate(logistic, data, [2, -1]);
        Assert.Equal(0.5, m.Accuracy); // rows 0 and 1 right, rows 2 and 3 wrong
        double expectedLoss = (Models.LogisticModel.Softplus(-1) + Models.LogisticModel.Softplus(-1)
                               + Models.LogisticModel.Softplus(3) + Models.LogisticModel.Softplus(0.2)) / 4;
        Assert.Equal(expectedLoss, m.Loss, 1e-15);

        var ridge = new Models.RidgeModel(1);
        var r = Models.Metrics.Evaluate(ridge, new DataBlock(new double[] { 1, 2 }, new double[] { 1, 1 }, 1), [2, -1]);
        Assert.Equal(Math.Sqrt((0 + 4) / 2.0), r.Rmse!.Value, 1e-15);

        var softmax = new Models.SoftmaxModel(1, 3);
        // W = [0, 1, 2] (feature-major), b = [0, 0]: x = 1 scores (0, 1, 2) → class 2.
        var s = Models.Metrics.Evaluate(softmax, new DataBlock(new double[] { 1, 1 }, new double[] { 2, 0 }, 1), [0, 1, 2, 0, 0]);
        Assert.Equal(0.5, s.Accuracy);
    }
}
