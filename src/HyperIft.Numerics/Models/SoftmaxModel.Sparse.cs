namespace HyperIft.Numerics.Models;

/// <summary>
/// The softmax kernels over sparse rows: W stays feature-major (p×C), so a row's scores are the sum
/// of the weight rows of its non-zero features, and the gradient adds each row's C values back to
/// those weight rows. Per-row scores live in a rows × C buffer (the cache when there is one).
/// </summary>
public sealed partial class SoftmaxModel
{
    private double SparseLossGrad(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> rowWeights,
        Span<double> grad, Span<double> cache)
    {
        CheckShapes(data, theta);
        int k = Classes, n = data.Rows;
        using var scoreBuffer = cache.IsEmpty ? Scratch.Rent(n * k) : default;
        var scores = cache.IsEmpty ? scoreBuffer.Span : cache[..(n * k)];
        using var g = Scratch.Rent(n * k);
        Span<double> interceptGrad = stackalloc double[k];
        interceptGrad.Clear();
        data.Multiply(theta[..Layout.WeightCount], k, scores, accumulate: false);
        var y = data.Y.Span;
        double loss = 0;
        for (int i = 0; i < n; i++)
            loss += RowGradient(theta, scores.Slice(i * k, k), (int)y[i], Weight(rowWeights, i), g.Span.Slice(i * k, k), interceptGrad, [], i);
        data.AddTransposedProduct(g.Span, k, grad[..Layout.WeightCount]);
        for (int j = 0; j < Layout.Intercepts; j++) grad[Layout.WeightCount + j] += interceptGrad[j];
        return loss;
    }

    private void SparseHvp(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> v, Span<double> hv)
    {
        int k = Classes, n = data.Rows;
        using var u = Scratch.Rent(n * k);
        Span<double> interceptHv = stackalloc double[k];
        interceptHv.Clear();
        data.Multiply(v[..Layout.WeightCount], k, u.Span, accumulate: false);
        for (int i = 0; i < n; i++)
            HessianInScoreSpace(v, u.Span.Slice(i * k, k), cache.Slice(i * k, k), Weight(rowWeights, i), interceptHv);
        data.AddTransposedProduct(u.Span, k, hv[..Layout.WeightCount]);
        for (int j = 0; j < Layout.Intercepts; j++) hv[Layout.WeightCount + j] += interceptHv[j];
    }

    /// <summary>diag entries (f, j) += c·π_j(1 − π_j)·x_f², and the intercepts' c·π_j(1 − π_j).</summary>
    private void SparseHessianDiagonal(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights, Span<double> diagonal)
    {
        int k = Classes, n = data.Rows;
        using var t = Scratch.Rent(n * k);
        for (int i = 0; i < n; i++)
        {
            double c = Weight(rowWeights, i);
            for (int j = 0; j < k; j++)
            {
                double pj = cache[i * k + j];
                t.Span[i * k + j] = c * pj * (1.0 - pj);
                if (j < Layout.Intercepts) diagonal[Layout.WeightCount + j] += t.Span[i * k + j];
            }
        }
        data.Sparse.AddSquaresTransposedProduct(t.Span, k, diagonal[..Layout.WeightCount]);
    }

    private void SparseRowGradientDot(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> v, Span<double> result)
    {
        int k = Classes, n = data.Rows;
        using var u = Scratch.Rent(n * k);
        data.Multiply(v[..Layout.WeightCount], k, u.Span, accumulate: false);
        var y = data.Y.Span;
        for (int i = 0; i < n; i++)
        {
            var ui = u.Span.Slice(i * k, k);
            for (int j = 0; j < Layout.Intercepts; j++) ui[j] += v[Layout.WeightCount + j];
            result[i] = Vec.Dot(cache.Slice(i * k, k), ui) - ui[(int)y[i]];
        }
    }
}
