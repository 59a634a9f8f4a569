namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// Dataset distillation (SPEC §8): λ is k·C synthetic rows, class-major (the k rows of class 0 first), each
/// with its fixed label, and the inner problem trains on them alone. Shards hold slots of the synthetic
/// rows; a slot's input is its row of λ, so the pull-back of m is m itself.
/// </summary>
public sealed class Distill : InputHyperparameter
{
    public const string KindName = "distill";

    public Distill(ParameterLayout layout, int perClass, double l2Strength) : base(layout, l2Strength, KindName)
    {
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), "--distill-per-class must be at least 1");
        if (layout.Outputs < 2) throw new ArgumentException("distill needs a classifier: use --model softmax or mlp");
        long count = (long)perClass * layout.Outputs * layout.Features;
        if (count > Array.MaxLength)
            throw new ArgumentException($"--distill-per-class {perClass} makes {count} hyperparameters (k·C·p), more than an array holds");
        PerClass = perClass;
        Count = (int)count;
    }

    public int PerClass { get; }
    public int Classes => Layout.Outputs;
    public int Slots => PerClass * Classes;
    public override string Name => KindName;
    public override int Count { get; }

    public override int BuiltRows(int rows) => rows;

    public override (int Offset, int Length)? ShardSlice(int start, int count) => (start * Layout.Features, count * Layout.Features);

    /// <summary>Synthetic rows [start, start + count) with their labels and no inputs yet: what a shard holds until λ arrives.</summary>
    public DataBlock SlotRows(int start, int count)
    {
        var labels = new double[count];
        for (int r = 0; r < count; r++) labels[r] = (start + r) / PerClass;
        return new DataBlock(new double[count * Layout.Features], labels, Layout.Features);
    }

    public override InputRows Build(DataBlock own, int start, ReadOnlySpan<double> slice) =>
        new SyntheticRows(new DataBlock(slice.ToArray(), own.Y, Layout.Features));

    /// <summary>
    /// The start of λ: each synthetic row its class's mean training row plus N(0, 0.01²) noise
    /// (<see cref="DistillInit.ClassMean"/>), or N(0, 1) noise (<see cref="DistillInit.Random"/>), seeded.
    /// A class with no training row starts at the noise alone.
    /// </summary>
    public static double[] Start(DataBlock train, int classes, int perClass, DistillInit init, int seed)
    {
        int p = train.Features, slots = classes * perClass;
        var lambda = new double[checked(slots * p)];
        SeededNoise.Fill(seed, 0, lambda, init == DistillInit.ClassMean ? 0.01 : 1.0);
        if (init == DistillInit.Random) return lambda;
        var sums = new double[classes * p];
        var counts = new int[classes];
        var y = train.Y.Span;
        for (int i = 0; i < train.Rows; i++)
        {
            int c = (int)y[i];
            if (c < 0 || c >= classes) continue;
            counts[c]++;
            train.AddRow(i, 1.0, sums.AsSpan(c * p, p));
        }
        for (int r = 0; r < slots; r++)
        {
            int c = r / perClass;
            if (counts[c] == 0) continue;
            var row = lambda.AsSpan(r * p, p);
            for (int f = 0; f < p; f++) row[f] += sums[c * p + f] / counts[c];
        }
        return lambda;
    }

    private sealed class SyntheticRows(DataBlock rows) : InputRows(rows)
    {
        public override void PullBack(ReadOnlySpan<double> inputCross, Span<double> cross) => Vec.Add(inputCross, cross);
    }
}

/// <summary>How <c>distill</c> starts λ (<c>--distill-init</c>).</summary>
public enum DistillInit { ClassMean, Random }

/// <summary>The names of <see cref="DistillInit"/> on the command line.</summary>
public static class DistillStarts
{
    public static readonly string[] Names = ["class-mean", "random"];

    public static DistillInit Parse(string name) => name switch
    {
        "class-mean" => DistillInit.ClassMean,
        "random" => DistillInit.Random,
        _ => throw new ArgumentException($"unknown --distill-init '{name}' (expected class-mean or random)"),
    };
}
