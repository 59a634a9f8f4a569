namespace HyperIft.Numerics.Optimization;

/// <summary>
/// Everything an outer optimizer carries between steps; plain arrays so that a tuner can persist
/// it and a resumed run continues exactly.
/// </summary>
public sealed record OptimizerState(int Step, double[] FirstMoment, double[] SecondMoment)
{
    public static OptimizerState Initial(int count) => new(0, new double[count], new double[count]);
}

/// <summary>
/// A first-order method on λ. Elementwise: λ_i's update reads only λ_i, its gradient and its moments,
/// so slices of λ kept apart (<see cref="LambdaSlice"/>) advance exactly as the whole would.
/// </summary>
public interface IOuterOptimizer
{
    string Name { get; }

    /// <summary>Returns the next λ and state; neither input is changed.</summary>
    (double[] Lambda, OptimizerState State) Step(double[] lambda, double[] gradient, OptimizerState state);
}

/// <summary>λ ← λ − η ∇.</summary>
public sealed class GradientDescent(double learningRate) : IOuterOptimizer
{
    public string Name => "gd";

    public (double[] Lambda, OptimizerState State) Step(double[] lambda, double[] gradient, OptimizerState state)
    {
        var next = (double[])lambda.Clone();
        Vec.Axpy(-learningRate, gradient, next);
        return (next, state with { Step = state.Step + 1 });
    }
}

/// <summary>Adam (Kingma &amp; Ba 2015), with bias correction, as in torch.optim.Adam.</summary>
public sealed class Adam(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    : IOuterOptimizer
{
    public string Name => "adam";

    public (double[] Lambda, OptimizerState State) Step(double[] lambda, double[] gradient, OptimizerState state)
    {
        int t = state.Step + 1;
        var m = (double[])state.FirstMoment.Clone();
        var v = (double[])state.SecondMoment.Clone();
        var next = (double[])lambda.Clone();
        double c1 = 1 - Math.Pow(beta1, t), c2 = 1 - Math.Pow(beta2, t);
        for (int i = 0; i < next.Length; i++)
        {
            m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
            v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
            next[i] -= learningRate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + epsilon);
        }
        return (next, new OptimizerState(t, m, v));
    }
}

public static class OuterOptimizerFactory
{
    public static readonly string[] Names = ["adam", "gd"];

    public static IOuterOptimizer Create(string name, double learningRate) => name switch
    {
        "adam" => new Adam(learningRate),
        "gd" => new GradientDescent(learningRate),
        _ => throw new ArgumentException($"unknown optimizer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
