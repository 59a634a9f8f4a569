namespace HyperIft.Numerics.Models;

/// <summary>
/// A model's per-row loss ℓ(θ; x, y) and its derivatives, summed over a block of rows.
/// Sums are unnormalized and unregularized; <see cref="Objectives.ShardedObjective"/> scales
/// by 1/n and adds the penalty. Every kernel is one pass over the rows and allocates O(p·C).
/// </summary>
public abstract class Model
{
    protected Model(ParameterLayout layout) => Layout = layout;

    public ParameterLayout Layout { get; }

    public abstract string Name { get; }

    /// <summary>Values kept per row by <see cref="LossGrad"/> for the products that follow at the same θ.</summary>
    public abstract int CacheWidth { get; }

    /// <summary>Null when y is a valid label for this model, else why it is not.</summary>
    public abstract string? LabelError(double y);

    /// <summary>
    /// Returns Σ c_i ℓ_i and adds Σ c_i ∇ℓ_i to <paramref name="grad"/>. Empty <paramref name="rowWeights"/>
    /// means c_i = 1. When <paramref name="cache"/> is non-empty (rows × CacheWidth) it is filled for
    /// <see cref="Hvp"/>, <see cref="HessianDiagonal"/> and <see cref="RowGradientDot"/>.
    /// </summary>
    public abstract double LossGrad(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> rowWeights,
        Span<double> grad, Span<double> cache);

    /// <summary>Adds Σ c_i ∇²ℓ_i v to <paramref name="hv"/>, at the θ whose cache is given.</summary>
    public abstract void Hvp(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        ReadOnlySpan<double> v, Span<double> hv);

    /// <summary>Adds diag(Σ c_i ∇²ℓ_i) to <paramref name="diagonal"/>.</summary>
    public abstract void HessianDiagonal(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        Span<double> diagonal);

    /// <summary>Writes ∇ℓ_i · v for every row i (the data part of the example-weight cross term).</summary>
    public abstract void RowGradientDot(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result);

    /// <summary>
    /// Writes ∂/∂x_i [∇_θ ℓ_i · v] for every row (rows × features, dense rows, c_i = 1) at the θ whose cache is
    /// given: how a row's gradient along v moves with its input. The data part of the cross term of a λ that
    /// makes the training inputs (distill, augment: SPEC §8).
    /// </summary>
    public virtual bool DifferentiatesInputs => false;

    public virtual void InputCross(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result) =>
        throw new NotSupportedException($"{Name} does not differentiate its gradient by its inputs: distill and augment take softmax or mlp");

    /// <summary>
    /// Adds Σ c_i Π_i (outputs × outputs, row-major), Π_i the Hessian of ℓ_i in score space, at the θ whose
    /// cache is given: the output factor of the Kronecker preconditioner. Only models whose scores are linear in x have one.
    /// </summary>
    public virtual void AddOutputCurvature(DataBlock data, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights, Span<double> curvature) =>
        throw new NotSupportedException($"{Name}'s scores are not linear in x: it has no output curvature factor");

    /// <summary>
    /// True when f is convex in θ for every λ (the linear models): a Newton step is then always a
    /// descent direction. A network's inner problem needs a solver that copes with negative curvature.
    /// </summary>
    public virtual bool Convex => true;

    /// <summary>Where the inner solve starts when nothing better is known: 0 for convex models.</summary>
    public virtual double[] InitialTheta(int seed) => new double[Layout.Dimension];

    /// <summary>
    /// The last layer's outputs (scores before the loss) of every row, rows × <see cref="ParameterLayout.Outputs"/>:
    /// what predictions and accuracy are read from. This default is the linear score Wᵀx + b.
    /// </summary>
    public virtual void Outputs(DataBlock data, ReadOnlySpan<double> theta, Span<double> outputs)
    {
        CheckShapes(data, theta);
        int p = Layout.Features, k = Layout.Outputs;
        if (data.IsSparse)
        {
            data.Multiply(theta[..Layout.WeightCount], k, outputs, accumulate: false);
            for (int i = 0; i < data.Rows; i++)
                for (int c = 0; c < Layout.Intercepts; c++) outputs[i * k + c] += theta[Layout.WeightCount + c];
            return;
        }
        for (int i = 0; i < data.Rows; i++)
        {
            var x = data.Row(i);
            for (int c = 0; c < k; c++)
            {
                double s = c < Layout.Intercepts ? theta[Layout.WeightCount + c] : 0.0;
                for (int f = 0; f < p; f++) s += x[f] * theta[f * k + c];
                outputs[i * k + c] = s;
            }
        }
    }

    protected static double Weight(ReadOnlySpan<double> rowWeights, int i) => rowWeights.IsEmpty ? 1.0 : rowWeights[i];

    protected void CheckShapes(DataBlock data, ReadOnlySpan<double> theta)
    {
        if (data.Features != Layout.Features)
            throw new ArgumentException($"Data has {data.Features} features, the model {Layout.Features}.");
        if (theta.Length != Layout.Dimension)
            throw new ArgumentException($"θ has {theta.Length} entries, the model {Layout.Dimension}.");
    }
}
