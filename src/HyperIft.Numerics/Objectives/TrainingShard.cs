using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Objectives;

/// <summary>
/// The work over one block of rows: unnormalized sums of loss, gradient, HVP and per-row terms.
/// It keeps the last point (θ, the model's per-row cache and the row weights), so an
/// HVP is one pass over the rows. Local shards and shard grains both wrap this class.
/// </summary>
public sealed class TrainingShard
{
    private readonly InputHyperparameter? _inputs;
    private readonly int _start;
    private double[] _cache;
    private InputRows? _built;
    private double[] _rowWeights = [];
    private double[] _theta = [];
    private bool _hasPoint;

    /// <param name="inputs">The kind that builds this shard's training rows from λ (SPEC §8), or null: it trains on <paramref name="data"/>.</param>
    /// <param name="start">The index of the shard's first row among all training rows (where its slice of λ and its noise are).</param>
    public TrainingShard(Model model, DataBlock data, InputHyperparameter? inputs = null, int start = 0)
    {
        Model = model;
        Data = data;
        _inputs = inputs;
        _start = start;
        _cache = inputs is null ? new double[data.Rows * model.CacheWidth] : [];
    }

    public Model Model { get; }

    /// <summary>The shard's own rows (for distill, its slots: labels only until λ arrives).</summary>
    public DataBlock Data { get; }

    public int Rows => Data.Rows;

    /// <summary>The rows the model trains on: the shard's own, or those built from λ.</summary>
    private DataBlock Trained => _inputs is null
        ? Data
        : _built?.Rows ?? throw new InvalidOperationException("The shard's inputs are built from λ: set its slice of λ first.");

    /// <summary>
    /// Σ c_i ℓ_i and Σ c_i ∇ℓ_i at θ. <paramref name="shardLambda"/> is this shard's slice of λ
    /// (<see cref="Hyperparameter.ShardSlice"/>; empty when the kind needs none).
    /// </summary>
    public LossGradient SetPoint(ReadOnlySpan<double> theta, ReadOnlySpan<double> shardLambda)
    {
        SetShardLambda(shardLambda);
        return SetPoint(theta);
    }

    /// <summary>Applies this shard's slice of λ: builds the rows of a data kind, else sets the rows' weights.</summary>
    public void SetShardLambda(ReadOnlySpan<double> slice)
    {
        if (_inputs is null)
        {
            SetRowLambda(slice);
            return;
        }
        _built = _inputs.Build(Data, _start, slice);
        int length = _built.Rows.Rows * Model.CacheWidth;
        if (_cache.Length != length) _cache = new double[length];
        _hasPoint = false;
    }

    /// <summary>Sets the rows' weights c_i = 2σ(λ_i) for the points that follow; empty: unweighted rows.</summary>
    public void SetRowLambda(ReadOnlySpan<double> rowLambda)
    {
        if (rowLambda.IsEmpty)
        {
            _rowWeights = [];
            return;
        }
        if (rowLambda.Length != Rows)
            throw new ArgumentException($"{rowLambda.Length} row hyperparameters for {Rows} rows.");
        if (_rowWeights.Length != Rows) _rowWeights = new double[Rows];
        for (int i = 0; i < Rows; i++) _rowWeights[i] = ExampleWeights.RowWeight(rowLambda[i]);
    }

    /// <summary>Σ c_i ℓ_i and Σ c_i ∇ℓ_i at θ, with the row weights last set.</summary>
    public LossGradient SetPoint(ReadOnlySpan<double> theta)
    {
        var grad = new double[Model.Layout.Dimension];
        double loss = Model.LossGrad(Trained, theta, _rowWeights, grad, _cache);
        _theta = theta.ToArray(); // a network's products need its weights again
        _hasPoint = true;
        return new LossGradient(loss, grad);
    }

    public double[] Hvp(ReadOnlySpan<double> v)
    {
        RequirePoint();
        var hv = new double[Model.Layout.Dimension];
        Model.Hvp(Trained, _theta, _cache, _rowWeights, v, hv);
        return hv;
    }

    public double[] HessianDiagonal()
    {
        RequirePoint();
        var diagonal = new double[Model.Layout.Dimension];
        Model.HessianDiagonal(Trained, _theta, _cache, _rowWeights, diagonal);
        return diagonal;
    }

    /// <summary>XᵀX of the shard's rows (features × features); the objective keeps the sum for the run, so it is not cached here.</summary>
    public double[] Gram()
    {
        var gram = new double[(long)Data.Features * Data.Features];
        Data.AddGram(gram);
        return gram;
    }

    /// <summary>Σ c_i Π_i at the point (outputs × outputs).</summary>
    public double[] OutputCurvature()
    {
        RequirePoint();
        int k = Model.Layout.Outputs;
        var curvature = new double[k * k];
        Model.AddOutputCurvature(Trained, _cache, _rowWeights, curvature);
        return curvature;
    }

    /// <summary>∇ℓ_i · v for each row of the shard.</summary>
    public double[] RowGradientDot(ReadOnlySpan<double> v)
    {
        RequirePoint();
        var result = new double[Rows];
        Model.RowGradientDot(Trained, _theta, _cache, v, result);
        return result;
    }

    /// <summary>
    /// dg/dλ over this shard's rows for example weights, at the point, from v = H⁻¹∇g and the shard's slice of λ
    /// (the one its row weights were set from): the entries the whole hypergradient has for these rows.
    /// </summary>
    /// <param name="rows">n, the rows f averages over.</param>
    public double[] RowHypergradient(ReadOnlySpan<double> v, ReadOnlySpan<double> rowLambda, int rows) =>
        ExampleWeights.SliceHypergradient(rowLambda, RowGradientDot(v), rows);

    /// <summary>
    /// This shard's part of (∂²f/∂λ∂θ)ᵀ v before the 1/N, over its slice of λ: each built row's input
    /// derivative (<see cref="Model.InputCross"/>) pulled back through the rows' construction.
    /// </summary>
    public double[] InputCross(ReadOnlySpan<double> v)
    {
        RequirePoint();
        var built = _built ?? throw new InvalidOperationException("The shard's rows are not built from λ.");
        int sliceLength = _inputs!.ShardSlice(_start, Rows)!.Value.Length;
        var m = new double[(long)built.Rows.Rows * Model.Layout.Features];
        Model.InputCross(built.Rows, _theta, _cache, v, m);
        var cross = new double[sliceLength];
        built.PullBack(m, cross);
        return cross;
    }

    /// <summary>Unweighted Σ ℓ_i and Σ ∇ℓ_i, leaving the point of the products untouched (validation).</summary>
    public LossGradient Evaluate(ReadOnlySpan<double> theta)
    {
        var grad = new double[Model.Layout.Dimension];
        double loss = Model.LossGrad(Data, theta, [], grad, []);
        return new LossGradient(loss, grad);
    }

    private void RequirePoint()
    {
        if (!_hasPoint) throw new InvalidOperationException("No point set: call SetPoint before products.");
    }
}
