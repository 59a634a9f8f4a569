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
    private readonly double[] _cache;
    private double[] _rowWeights = [];
    private double[] _theta = [];
    private bool _hasPoint;

    public TrainingShard(Model model, DataBlock data)
    {
        Model = model;
        Data = data;
        _cache = new double[data.Rows * model.CacheWidth];
    }

    public Model Model { get; }
    public DataBlock Data { get; }
    public int Rows => Data.Rows;

    /// <summary>
    /// Σ c_i ℓ_i and Σ c_i ∇ℓ_i at θ. <paramref name="rowLambda"/> holds this shard's example-weight
    /// hyperparameters (empty when the rows are unweighted).
    /// </summary>
    public LossGradient SetPoint(ReadOnlySpan<double> theta, ReadOnlySpan<double> rowLambda)
    {
        SetRowLambda(rowLambda);
        return SetPoint(theta);
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
        double loss = Model.LossGrad(Data, theta, _rowWeights, grad, _cache);
        _theta = theta.ToArray(); // a network's products need its weights again
        _hasPoint = true;
        return new LossGradient(loss, grad);
    }

    public double[] Hvp(ReadOnlySpan<double> v)
    {
        RequirePoint();
        var hv = new double[Model.Layout.Dimension];
        Model.Hvp(Data, _theta, _cache, _rowWeights, v, hv);
        return hv;
    }

    public double[] HessianDiagonal()
    {
        RequirePoint();
        var diagonal = new double[Model.Layout.Dimension];
        Model.HessianDiagonal(Data, _theta, _cache, _rowWeights, diagonal);
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
        Model.AddOutputCurvature(Data, _cache, _rowWeights, curvature);
        return curvature;
    }

    /// <summary>∇ℓ_i · v for each row of the shard.</summary>
    public double[] RowGradientDot(ReadOnlySpan<double> v)
    {
        RequirePoint();
        var result = new double[Rows];
        Model.RowGradientDot(Data, _theta, _cache, v, result);
        return result;
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
