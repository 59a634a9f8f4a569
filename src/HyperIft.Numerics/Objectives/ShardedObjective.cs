using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Numerics.Objectives;

/// <summary>
/// The objective of SPEC §4 assembled from per-shard sums: scales the data terms by 1/n (1/m for
/// validation) and adds the penalty. Subclasses only say how to reach the shards — in process
/// (<see cref="LocalObjective"/>) or over a cluster — so every solver runs unchanged on both.
/// </summary>
public abstract class ShardedObjective : IBilevelObjective
{
    private double[]? _theta;
    private double[]? _lambda;

    protected ShardedObjective(Model model, Hyperparameter hyper, int trainRows, int validationRows)
    {
        if (trainRows <= 0) throw new ArgumentException("The training set has no rows.");
        if (validationRows <= 0) throw new ArgumentException("The validation set has no rows.");
        if (hyper.WeightsRows && hyper.Count != trainRows)
            throw new ArgumentException($"example-weights has {hyper.Count} entries for {trainRows} training rows.");
        Model = model;
        Hyper = hyper;
        TrainRows = trainRows;
        ValidationRows = validationRows;
        Divisor = hyper is InputHyperparameter inputs ? inputs.BuiltRows(trainRows) : trainRows;
    }

    public Model Model { get; }
    public Hyperparameter Hyper { get; }
    public int TrainRows { get; }

    /// <summary>The rows f averages over: the training rows, or the rows a data kind builds from them (SPEC §8).</summary>
    public int Divisor { get; }
    public int ValidationRows { get; }
    public int ParameterCount => Model.Layout.Dimension;
    public int HyperCount => Hyper.Count;
    public bool Convex => Model.Convex;

    /// <summary>The model's seed-0 initialization unless set (from --seed or --init).</summary>
    public double[] InitialTheta
    {
        get => _initialTheta ??= Model.InitialTheta(0);
        init => _initialTheta = value.Length == ParameterCount
            ? value
            : throw new ArgumentException($"the initial θ has {value.Length} entries, the model {ParameterCount}");
    }

    private double[]? _initialTheta;

    /// <summary>Σ_shards (Σ c_i ℓ_i, Σ c_i ∇ℓ_i); a shard of rows weighted by λ takes its slice of λ.</summary>
    protected abstract ValueTask<LossGradient> SumTrainLossGrad(double[] theta, double[] lambda, CancellationToken ct);

    protected abstract ValueTask<double[]> SumTrainHvp(double[] v, CancellationToken ct);

    protected abstract ValueTask<double[]> SumTrainHessianDiagonal(CancellationToken ct);

    /// <summary>Σ_shards XᵀX (features × features).</summary>
    protected abstract ValueTask<double[]> SumGram(CancellationToken ct);

    /// <summary>Σ_shards Σ c_i Π_i at the point (outputs × outputs).</summary>
    protected abstract ValueTask<double[]> SumOutputCurvature(CancellationToken ct);

    /// <summary>∇ℓ_i · v for every training row, in row order.</summary>
    protected abstract ValueTask<double[]> TrainRowGradientDots(double[] v, CancellationToken ct);

    /// <summary>Σ_shards of each shard's <see cref="TrainingShard.InputCross"/>, added at its slice of λ in shard order.</summary>
    protected abstract ValueTask<double[]> SumInputCross(double[] v, CancellationToken ct);

    protected abstract ValueTask<LossGradient> SumValidationLossGrad(double[] theta, CancellationToken ct);

    /// <summary>
    /// True while the shards hold λ themselves (<see cref="Optimization.LambdaSlice"/>): the objective is
    /// then called with an empty λ, which only a kind whose penalty ignores λ allows, and has no cross term.
    /// </summary>
    protected virtual bool LambdaHeldByShards => false;

    public async ValueTask<LossGradient> TrainLossGrad(double[] theta, double[] lambda, CancellationToken ct = default)
    {
        CheckLength(theta, ParameterCount, "θ");
        CheckLength(lambda, LambdaHeldByShards ? 0 : HyperCount, "λ");
        var (sum, grad) = await SumTrainLossGrad(theta, lambda, ct);
        Vec.Scale(1.0 / Divisor, grad);
        double loss = sum / Divisor + Hyper.Penalty(theta, lambda, grad);
        _theta = (double[])theta.Clone();
        _lambda = (double[])lambda.Clone();
        return new LossGradient(loss, grad);
    }

    public async ValueTask<double[]> TrainHvp(double[] v, CancellationToken ct = default)
    {
        var lambda = RequirePoint().Lambda;
        CheckLength(v, ParameterCount, "v");
        var hv = await SumTrainHvp(v, ct);
        Vec.Scale(1.0 / Divisor, hv);
        Hyper.PenaltyHvp(lambda, v, hv);
        return hv;
    }

    public async ValueTask<double[]> TrainHessianDiagonal(CancellationToken ct = default)
    {
        var lambda = RequirePoint().Lambda;
        var diagonal = await SumTrainHessianDiagonal(ct);
        Vec.Scale(1.0 / Divisor, diagonal);
        Hyper.PenaltyDiagonal(lambda, diagonal);
        return diagonal;
    }

    /// <summary>
    /// The Kronecker-factored preconditioner of ∇²_θ f + shift·I at the point (<see cref="KroneckerPreconditioner"/>):
    /// the Gram matrix is gathered once a run, the output factor at every call, its basis once per λ.
    /// </summary>
    public async ValueTask<KroneckerPreconditioner> KroneckerPreconditioner(double shift, CancellationToken ct = default)
    {
        var lambda = RequirePoint().Lambda;
        var layout = Model.Layout;
        if (layout.Weights.Count != 1)
            throw new SolverException($"{Model.Name} has no Kronecker-factored Hessian: --kronecker preconditions ridge, logistic and softmax");
        if (Hyper is InputHyperparameter)
            throw new SolverException($"--kronecker factors the Gram matrix of fixed rows; {Hyper.Name} makes the rows from λ: drop --kronecker");
        int p = layout.Features, k = layout.Outputs;
        if (GramBasis.Problem(p) is { } tooWide) throw new SolverException(tooWide);
        if (_gram is null)
        {
            var gram = await SumGram(ct);
            Vec.Scale(1.0 / TrainRows, gram);
            _gram = new GramBasis(gram, p);
        }
        var curvature = await SumOutputCurvature(ct);
        Vec.Scale(1.0 / TrainRows, curvature);
        // The penalty's diagonal, averaged over the outputs of each feature (exact for l2, l2-layer, l2-feature).
        var diagonal = new double[ParameterCount];
        Hyper.PenaltyDiagonal(lambda, diagonal);
        var penalty = new double[p];
        // A floor keeps the whitening finite where e^λ underflows (λ below about −745): it only steers CG.
        double floor = 1e-10 * Math.Max(_gram.MeanDiagonal, double.Epsilon);
        for (int f = 0; f < p; f++)
        {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += diagonal[f * k + c];
            penalty[f] = Math.Max(sum / k + shift, floor);
        }
        return Solvers.KroneckerPreconditioner.Create(_gram.For(penalty), curvature, k, layout.Intercepts, shift);
    }

    private GramBasis? _gram;

    public async ValueTask<double[]> CrossTerm(double[] v, CancellationToken ct = default)
    {
        var (theta, lambda) = RequirePoint();
        CheckLength(v, ParameterCount, "v");
        if (LambdaHeldByShards) throw new InvalidOperationException("λ is held by the shards: they compute their cross terms.");
        var cross = new double[HyperCount];
        Hyper.PenaltyCross(theta, lambda, v, cross);
        if (Hyper.WeightsRows)
        {
            // ∂/∂λ_i of (1/n) c(λ_i) ∇ℓ_i·v
            var dots = await TrainRowGradientDots(v, ct);
            for (int i = 0; i < TrainRows; i++)
                cross[i] += ExampleWeights.RowCross(lambda[i], dots[i], TrainRows);
        }
        if (Hyper is InputHyperparameter) Vec.Axpy(1.0 / Divisor, await SumInputCross(v, ct), cross);
        return cross;
    }

    public async ValueTask<LossGradient> ValLossGrad(double[] theta, CancellationToken ct = default)
    {
        CheckLength(theta, ParameterCount, "θ");
        var (sum, grad) = await SumValidationLossGrad(theta, ct);
        Vec.Scale(1.0 / ValidationRows, grad);
        return new LossGradient(sum / ValidationRows, grad);
    }

    private (double[] Theta, double[] Lambda) RequirePoint() =>
        _theta is null || _lambda is null
            ? throw new InvalidOperationException("No training point: call TrainLossGrad before products.")
            : (_theta, _lambda);

    private static void CheckLength(double[] x, int expected, string what)
    {
        if (x.Length != expected) throw new ArgumentException($"{what} has {x.Length} entries, expected {expected}.");
    }

    /// <summary>Adds the parts in order, so a fixed sharding always sums the same way.</summary>
    protected static double[] SumInOrder(IReadOnlyList<double[]> parts, int length)
    {
        var total = new double[length];
        foreach (var part in parts) Vec.Add(part, total);
        return total;
    }
}
