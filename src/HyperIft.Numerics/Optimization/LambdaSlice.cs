namespace HyperIft.Numerics.Optimization;

/// <summary>
/// A slice of λ kept where its rows are, with its optimizer state: the step it is at and, once that
/// step's hypergradient is known, the gradient that moves it on. Outer optimizers are elementwise, so
/// slices advanced apart give the whole λ advanced at once, bit for bit. Keeping step k's gradient
/// rather than λ_{k+1} lets a slice answer for step k again (its run did not record the step) or for
/// k + 1 (it did) — the commit needs nothing else.
/// </summary>
public sealed record LambdaSlice(int Step, double[] Lambda, OptimizerState Optimizer, double[]? Gradient)
{
    public static LambdaSlice Start(double[] lambda) =>
        new(0, (double[])lambda.Clone(), OptimizerState.Initial(lambda.Length), null);

    /// <summary>The slice at <paramref name="step"/>: itself, or one update on from its recorded gradient.</summary>
    /// <exception cref="InvalidOperationException">The step is neither this one nor the next one with a gradient.</exception>
    public LambdaSlice At(int step, IOuterOptimizer optimizer)
    {
        if (step == Step) return this;
        if (step == Step + 1 && Gradient is not null)
        {
            var (lambda, state) = optimizer.Step(Lambda, Gradient, Optimizer);
            return new LambdaSlice(step, lambda, state, null);
        }
        throw new InvalidOperationException(
            $"the slice of λ is at step {Step}{(Gradient is null ? " without its gradient" : "")}; step {step} cannot be reached from it");
    }

    /// <summary>This step's slice of dg/dλ recorded: what the next step is made from.</summary>
    public LambdaSlice WithGradient(double[] gradient) => gradient.Length == Lambda.Length
        ? this with { Gradient = (double[])gradient.Clone() }
        : throw new ArgumentException($"a gradient of {gradient.Length} entries for a slice of {Lambda.Length}");

    /// <summary>What a step's record needs of this slice: λ's range and the gradient's squared norm.</summary>
    public SliceSummary Summary()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, squares = 0;
        foreach (double l in Lambda)
        {
            min = Math.Min(min, l);
            max = Math.Max(max, l);
            sum += l;
        }
        if (Gradient is not null)
            foreach (double g in Gradient) squares += g * g;
        return new SliceSummary(Lambda.Length, min, sum, max, squares);
    }
}

/// <summary>λ's range over some entries and Σ (dg/dλ_i)² over them; parts combine in a fixed order.</summary>
public sealed record SliceSummary(int Count, double Min, double Sum, double Max, double GradientSquares)
{
    public static readonly SliceSummary Empty = new(0, double.PositiveInfinity, 0, double.NegativeInfinity, 0);

    public double Mean => Sum / Count;
    public double GradientNorm => Math.Sqrt(GradientSquares);

    public SliceSummary Add(SliceSummary other) => new(Count + other.Count, Math.Min(Min, other.Min), Sum + other.Sum,
        Math.Max(Max, other.Max), GradientSquares + other.GradientSquares);

    public static SliceSummary Combine(IEnumerable<SliceSummary> parts) => parts.Aggregate(Empty, (total, part) => total.Add(part));
}
