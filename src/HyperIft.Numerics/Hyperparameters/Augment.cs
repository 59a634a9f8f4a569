using HyperIft.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Hyperparameters;

/// <summary>
/// Learned data augmentation (SPEC §8): every training row x_i gets R copies
/// x̃_{i,r} = x_i + tanh(A x_i + B ε_{i,r} + c), ε_{i,r} ∈ R^q fixed standard normal draws addressed by
/// (seed, row, copy) (<see cref="SeededNoise"/>), and f averages over the originals and the copies.
/// λ = (A p×p, B p×q, c p), each row-major. A shard builds its rows' copies with two matrix products
/// and pulls m back through them with two more: ∂/∂A = Σ (m ⊙ (1 − t²)) xᵀ, ∂/∂B = Σ (m ⊙ (1 − t²)) εᵀ.
/// </summary>
public sealed class Augment : InputHyperparameter
{
    public const string KindName = "augment";

    public Augment(ParameterLayout layout, int copies, int noise, int seed, double l2Strength) : base(layout, l2Strength, KindName)
    {
        if (copies < 1) throw new ArgumentOutOfRangeException(nameof(copies), "--augment-copies must be at least 1");
        if (noise < 1) throw new ArgumentOutOfRangeException(nameof(noise), "--augment-noise must be at least 1");
        (Copies, Noise, Seed) = (copies, noise, seed);
        long p = layout.Features;
        long count = p * p + p * noise + p;
        Count = count <= Array.MaxLength
            ? (int)count
            : throw new ArgumentException($"augment over {p} features has {count} hyperparameters (p² + pq + p), more than an array holds");
    }

    public int Copies { get; }
    public int Noise { get; }
    public int Seed { get; }
    public override string Name => KindName;
    public override int Count { get; }

    public override int BuiltRows(int rows) => checked(rows * (1 + Copies));

    public override (int Offset, int Length)? ShardSlice(int start, int count) => (0, Count);

    /// <summary>The originals, then copy 1 of every row, copy 2, …; the labels repeat.</summary>
    public override InputRows Build(DataBlock own, int start, ReadOnlySpan<double> lambda)
    {
        if (own.IsSparse) throw new ArgumentException("augment works on dense rows");
        int n = own.Rows, p = Layout.Features, q = Noise, copies = Copies;
        var a = lambda[..(p * p)];
        var b = lambda.Slice(p * p, p * q);
        var c = lambda[(p * p + p * q)..];
        var x = own.X.Span;

        var ax = new double[n * p];
        Gemm.Multiply(false, true, n, p, p, x, p, a, p, ax, p, accumulate: false);
        var noise = new double[copies * n * q];
        for (int r = 0; r < copies; r++)
            for (int i = 0; i < n; i++)
                SeededNoise.Fill(Seed, ((long)(start + i) * copies + r) * q, noise.AsSpan((r * n + i) * q, q));

        var rows = new double[(1 + copies) * n * p];
        x.CopyTo(rows);
        var shift = new double[copies * n * p]; // t = tanh(A x + B ε + c), kept for the pull-back
        for (int r = 0; r < copies; r++)
        {
            var t = shift.AsSpan(r * n * p, n * p);
            Gemm.Multiply(false, true, n, p, q, noise.AsSpan(r * n * q, n * q), q, b, q, t, p, accumulate: false);
            var copy = rows.AsSpan((1 + r) * n * p, n * p);
            for (int i = 0; i < n; i++)
                for (int f = 0; f < p; f++)
                {
                    int k = i * p + f;
                    t[k] = Math.Tanh(t[k] + ax[k] + c[f]);
                    copy[k] = x[k] + t[k];
                }
        }
        var labels = new double[(1 + copies) * n];
        for (int r = 0; r <= copies; r++) own.Y.Span.CopyTo(labels.AsSpan(r * n, n));
        return new AugmentedRows(new DataBlock(rows, labels, p), own, noise, shift, this);
    }

    private sealed class AugmentedRows(DataBlock rows, DataBlock own, double[] noise, double[] shift, Augment kind) : InputRows(rows)
    {
        public override void PullBack(ReadOnlySpan<double> inputCross, Span<double> cross)
        {
            int n = own.Rows, p = kind.Layout.Features, q = kind.Noise;
            var crossA = cross[..(p * p)];
            var crossB = cross.Slice(p * p, p * q);
            var crossC = cross[(p * p + p * q)..];
            var g = new double[n * p];
            for (int r = 0; r < kind.Copies; r++)
            {
                // g = m ⊙ (1 − t²): the copy's input derivative at the pre-activation of tanh
                var m = inputCross.Slice((1 + r) * n * p, n * p);
                var t = shift.AsSpan(r * n * p, n * p);
                for (int k = 0; k < g.Length; k++) g[k] = m[k] * (1.0 - t[k] * t[k]);
                Gemm.Multiply(true, false, p, p, n, g, p, own.X.Span, p, crossA, p, accumulate: true);
                Gemm.Multiply(true, false, p, q, n, g, p, noise.AsSpan(r * n * q, n * q), q, crossB, q, accumulate: true);
                for (int i = 0; i < n; i++) Vec.Add(g.AsSpan(i * p, p), crossC);
            }
        }
    }
}
