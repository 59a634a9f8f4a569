using System.Buffers;

namespace HyperIft.Numerics.Models;

/// <summary>
/// Multinomial logistic regression: z = Wᵀx + b ∈ R^C, ℓ = −log softmax(z)_y.
/// The last class's intercept is pinned at 0 (SPEC §3). Kernels work on a class-major copy of
/// W (C×p) so that every score is one contiguous dot product; the cache keeps the probabilities.
/// Sparse rows take the kernels of SoftmaxModel.Sparse.cs.
/// </summary>
public sealed partial class SoftmaxModel : Model
{
    public SoftmaxModel(int features, int classes, bool intercept = true)
        : base(ParameterLayout.Softmax(features, classes, intercept))
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), "softmax needs at least 2 classes");
    }

    public override string Name => "softmax";
    public int Classes => Layout.Outputs;
    public override int CacheWidth => Classes;

    public override string? LabelError(double y) =>
        y >= 0 && y < Classes && y == Math.Floor(y) ? null : $"label {y} is not a class index in 0..{Classes - 1}";

    public override double LossGrad(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> rowWeights,
        Span<double> grad, Span<double> cache)
    {
        CheckShapes(data, theta);
        if (data.IsSparse) return SparseLossGrad(data, theta, rowWeights, grad, cache);
        int p = Layout.Features, k = Classes;
        using var wt = ClassMajor(theta);
        using var gt = Scratch.Zeroed(p * k);
        using var tail = Scratch.Rent(QuadKernels.Rows * p);
        Span<double> z = stackalloc double[QuadKernels.Rows * k], g = stackalloc double[QuadKernels.Rows * k];
        Span<double> interceptGrad = stackalloc double[k];
        interceptGrad.Clear();
        var y = data.Y.Span;
        double loss = 0;
        // Rows in fours: the tiled kernels read each weight chunk once for four rows.
        for (int i = 0; i < data.Rows; i += QuadKernels.Rows)
        {
            var x = Quad(data, i, tail.Span, out int count);
            QuadKernels.Scores(x, wt.Span, z);
            for (int r = 0; r < count; r++)
                loss += RowGradient(theta, z.Slice(r * k, k), (int)y[i + r], Weight(rowWeights, i + r), g.Slice(r * k, k), interceptGrad, cache, i + r);
            g.Slice(count * k).Clear();
            QuadKernels.Accumulate(x, g, gt.Span);
        }
        AddFeatureMajor(gt.Span, grad);
        for (int j = 0; j < Layout.Intercepts; j++) grad[Layout.WeightCount + j] += interceptGrad[j];
        return loss;
    }

    /// <summary>Turns a row's raw scores into c·(π − e_y) in <paramref name="g"/>; returns c·ℓ and caches π.</summary>
    private double RowGradient(ReadOnlySpan<double> theta, Span<double> z, int label, double c, Span<double> g,
        Span<double> interceptGrad, Span<double> cache, int row)
    {
        for (int j = 0; j < Layout.Intercepts; j++) z[j] += theta[Layout.WeightCount + j];
        double loss = c * SoftmaxInPlace(z, label);
        for (int j = 0; j < z.Length; j++)
        {
            g[j] = c * (z[j] - (j == label ? 1.0 : 0.0));
            interceptGrad[j] += g[j];
        }
        if (!cache.IsEmpty) z.CopyTo(cache.Slice(row * z.Length, z.Length));
        return loss;
    }

    public override void Hvp(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        ReadOnlySpan<double> v, Span<double> hv)
    {
        if (data.IsSparse)
        {
            SparseHvp(data, cache, rowWeights, v, hv);
            return;
        }
        int p = Layout.Features, k = Classes;
        using var vt = ClassMajor(v);
        using var ht = Scratch.Zeroed(p * k);
        using var tail = Scratch.Rent(QuadKernels.Rows * p);
        Span<double> u = stackalloc double[QuadKernels.Rows * k];
        Span<double> interceptHv = stackalloc double[k];
        interceptHv.Clear();
        for (int i = 0; i < data.Rows; i += QuadKernels.Rows)
        {
            var x = Quad(data, i, tail.Span, out int count);
            QuadKernels.Scores(x, vt.Span, u);
            for (int r = 0; r < count; r++)
                HessianInScoreSpace(v, u.Slice(r * k, k), cache.Slice((i + r) * k, k), Weight(rowWeights, i + r), interceptHv);
            u.Slice(count * k).Clear();
            QuadKernels.Accumulate(x, u, ht.Span);
        }
        AddFeatureMajor(ht.Span, hv);
        for (int j = 0; j < Layout.Intercepts; j++) hv[Layout.WeightCount + j] += interceptHv[j];
    }

    /// <summary>u ← c·(diag(π) − ππᵀ) u: the softmax Hessian in score space, applied in place.</summary>
    private void HessianInScoreSpace(ReadOnlySpan<double> v, Span<double> u, ReadOnlySpan<double> prob, double c, Span<double> interceptHv)
    {
        for (int j = 0; j < Layout.Intercepts; j++) u[j] += v[Layout.WeightCount + j];
        double pu = Vec.Dot(prob, u);
        for (int j = 0; j < u.Length; j++)
        {
            u[j] = c * prob[j] * (u[j] - pu);
            interceptHv[j] += u[j];
        }
    }

    public override void HessianDiagonal(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        Span<double> diagonal)
    {
        if (data.IsSparse)
        {
            SparseHessianDiagonal(data, cache, rowWeights, diagonal);
            return;
        }
        int p = Layout.Features, k = Classes;
        for (int i = 0; i < data.Rows; i++)
        {
            var x = data.Row(i);
            var prob = cache.Slice(i * k, k);
            double c = Weight(rowWeights, i);
            for (int j = 0; j < k; j++)
            {
                double t = c * prob[j] * (1.0 - prob[j]);
                for (int f = 0; f < p; f++) diagonal[f * k + j] += t * x[f] * x[f];
                if (j < Layout.Intercepts) diagonal[Layout.WeightCount + j] += t;
            }
        }
    }

    /// <summary>Σ c_i (diag π_i − π_i π_iᵀ).</summary>
    public override void AddOutputCurvature(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights, Span<double> curvature)
    {
        int k = Classes;
        for (int i = 0; i < data.Rows; i++)
        {
            var prob = cache.Slice(i * k, k);
            double c = Weight(rowWeights, i);
            for (int a = 0; a < k; a++)
            {
                curvature[a * k + a] += c * prob[a];
                for (int b = 0; b < k; b++) curvature[a * k + b] -= c * prob[a] * prob[b];
            }
        }
    }

    public override void RowGradientDot(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result)
    {
        if (data.IsSparse)
        {
            SparseRowGradientDot(data, cache, v, result);
            return;
        }
        int k = Classes;
        using var vt = ClassMajor(v);
        Span<double> u = stackalloc double[k];
        var y = data.Y.Span;
        for (int i = 0; i < data.Rows; i++)
        {
            Scores(data.Row(i), vt.Span, v, u);
            var prob = cache.Slice(i * k, k);
            double s = Vec.Dot(prob, u) - u[(int)y[i]];
            result[i] = s;
        }
    }

    /// <summary>m_i = V(π_i − e_y) + W Π_i u_i with u_i = Vᵀx_i + v_b and Π = diag π − ππᵀ (W, V feature-major p×C).</summary>
    public override bool DifferentiatesInputs => true;

    public override void InputCross(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result)
    {
        CheckShapes(data, theta);
        if (data.IsSparse) throw new NotSupportedException("input derivatives are taken over dense rows");
        int p = Layout.Features, k = Classes;
        using var vt = ClassMajor(v);
        Span<double> u = stackalloc double[k], delta = stackalloc double[k];
        var y = data.Y.Span;
        for (int i = 0; i < data.Rows; i++)
        {
            Scores(data.Row(i), vt.Span, v, u);
            var prob = cache.Slice(i * k, k);
            double pu = Vec.Dot(prob, u);
            for (int j = 0; j < k; j++)
            {
                delta[j] = prob[j] - (j == (int)y[i] ? 1.0 : 0.0);
                u[j] = prob[j] * (u[j] - pu);
            }
            var m = result.Slice(i * p, p);
            for (int f = 0; f < p; f++)
            {
                double s = 0;
                for (int j = 0; j < k; j++) s += v[f * k + j] * delta[j] + theta[f * k + j] * u[j];
                m[f] = s;
            }
        }
    }

    /// <summary>
    /// Rows i … i+3 as one contiguous span, and how many of them exist: the last rows of a block are
    /// copied into <paramref name="tail"/> after zero rows, so every row goes through the same kernel.
    /// </summary>
    private static ReadOnlySpan<double> Quad(DataBlock data, int i, Span<double> tail, out int count)
    {
        int p = data.Features;
        count = Math.Min(QuadKernels.Rows, data.Rows - i);
        var rows = data.X.Span.Slice(i * p, count * p);
        if (count == QuadKernels.Rows) return rows;
        var padded = tail.Slice(0, QuadKernels.Rows * p);
        padded.Clear();
        rows.CopyTo(padded);
        return padded;
    }

    /// <summary>z_j = W_jᵀx + b_j, with W class-major and b read from the tail of the parameter vector.</summary>
    private void Scores(ReadOnlySpan<double> x, ReadOnlySpan<double> classMajor, ReadOnlySpan<double> parameters, Span<double> z)
    {
        int p = Layout.Features;
        for (int j = 0; j < z.Length; j++)
        {
            double b = j < Layout.Intercepts ? parameters[Layout.WeightCount + j] : 0.0;
            z[j] = Vec.Dot(classMajor.Slice(j * p, p), x) + b;
        }
    }

    /// <summary>Turns scores into probabilities in place and returns −log π_label.</summary>
    private static double SoftmaxInPlace(Span<double> z, int label)
    {
        double max = double.NegativeInfinity;
        foreach (var v in z) max = Math.Max(max, v);
        double zLabel = z[label], sum = 0;
        for (int j = 0; j < z.Length; j++)
        {
            z[j] = Math.Exp(z[j] - max);
            sum += z[j];
        }
        for (int j = 0; j < z.Length; j++) z[j] /= sum;
        return Math.Log(sum) + max - zLabel;
    }

    private Scratch ClassMajor(ReadOnlySpan<double> parameters)
    {
        int p = Layout.Features, k = Classes;
        var s = Scratch.Rent(p * k);
        var dst = s.Span;
        for (int f = 0; f < p; f++)
            for (int j = 0; j < k; j++)
                dst[j * p + f] = parameters[f * k + j];
        return s;
    }

    private void AddFeatureMajor(ReadOnlySpan<double> classMajor, Span<double> target)
    {
        int p = Layout.Features, k = Classes;
        for (int f = 0; f < p; f++)
            for (int j = 0; j < k; j++)
                target[f * k + j] += classMajor[j * p + f];
    }

    /// <summary>A pooled buffer of exactly the asked length.</summary>
    private readonly struct Scratch : IDisposable
    {
        private readonly double[] _array;
        private readonly int _length;

        private Scratch(int length)
        {
            _array = ArrayPool<double>.Shared.Rent(length);
            _length = length;
        }

        public Span<double> Span => _array.AsSpan(0, _length);

        public static Scratch Rent(int length) => new(length);

        public static Scratch Zeroed(int length)
        {
            var s = new Scratch(length);
            s.Span.Clear();
            return s;
        }

        public void Dispose()
        {
            if (_array is not null) ArrayPool<double>.Shared.Return(_array); // default: nothing was rented
        }
    }
}
