namespace HyperIft.Numerics.Models;

/// <summary>
/// A model with one score z = wᵀx + b per row, so that ∇ℓ = ℓ'(z)·[x; 1] and ∇²ℓ = ℓ''(z)·[x; 1][x; 1]ᵀ.
/// The cache keeps (ℓ', ℓ'') per row.
/// </summary>
public abstract class ScalarModel : Model
{
    protected ScalarModel(int features, bool intercept) : base(ParameterLayout.Scalar(features, intercept)) { }

    public override int CacheWidth => 2;

    /// <summary>ℓ, ∂ℓ/∂z and ∂²ℓ/∂z² at score z for label y.</summary>
    public abstract (double Loss, double D1, double D2) Pointwise(double z, double y);

    public override double LossGrad(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> rowWeights,
        Span<double> grad, Span<double> cache)
    {
        CheckShapes(data, theta);
        int p = Layout.Features;
        var w = theta[..p];
        double b = Layout.HasIntercept ? theta[p] : 0.0;
        var gw = grad[..p];
        var y = data.Y.Span;
        double loss = 0, gb = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            var (l, d1, d2) = Pointwise(data.RowDot(i, w) + b, y[i]);
            double c = Weight(rowWeights, i);
            loss += c * l;
            data.AddRow(i, c * d1, gw);
            gb += c * d1;
            if (!cache.IsEmpty)
            {
                cache[2 * i] = d1;
                cache[2 * i + 1] = d2;
            }
        }
        if (Layout.HasIntercept) grad[p] += gb;
        return loss;
    }

    public override void Hvp(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        ReadOnlySpan<double> v, Span<double> hv)
    {
        int p = Layout.Features;
        var vw = v[..p];
        double vb = Layout.HasIntercept ? v[p] : 0.0;
        var hw = hv[..p];
        double hb = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            double t = Weight(rowWeights, i) * cache[2 * i + 1] * (data.RowDot(i, vw) + vb);
            data.AddRow(i, t, hw);
            hb += t;
        }
        if (Layout.HasIntercept) hv[p] += hb;
    }

    public override void HessianDiagonal(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        Span<double> diagonal)
    {
        int p = Layout.Features;
        double db = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            double t = Weight(rowWeights, i) * cache[2 * i + 1];
            data.AddRowSquares(i, t, diagonal);
            db += t;
        }
        if (Layout.HasIntercept) diagonal[p] += db;
    }

    public override void AddOutputCurvature(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights, Span<double> curvature)
    {
        for (int i = 0; i < data.Rows; i++) curvature[0] += Weight(rowWeights, i) * cache[2 * i + 1];
    }

    public override void RowGradientDot(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result)
    {
        int p = Layout.Features;
        var vw = v[..p];
        double vb = Layout.HasIntercept ? v[p] : 0.0;
        for (int i = 0; i < data.Rows; i++)
            result[i] = cache[2 * i] * (data.RowDot(i, vw) + vb);
    }
}
