namespace HyperIft.Numerics.Objectives;

/// <summary>
/// All shards in this process. Shards run in parallel and their sums are added in shard order.
/// </summary>
public sealed class LocalObjective : ShardedObjective
{
    private readonly TrainingShard[] _train;
    private readonly RowRange[] _trainRanges;
    private readonly TrainingShard[] _validation;
    private double[]? _applied; // the λ the shards hold

    public LocalObjective(BilevelProblem problem, int shards = 1)
        : this(problem, RowRange.Split(problem.Train.Rows, shards)) { }

    public LocalObjective(BilevelProblem problem, IReadOnlyList<RowRange> trainRanges)
        : base(problem.Model, problem.Hyper, problem.Train.Rows, problem.Validation.Rows)
    {
        int covered = 0;
        foreach (var r in trainRanges)
        {
            if (r.Start != covered || r.Count < 0)
                throw new ArgumentException("Training shards must be contiguous, in order, and cover every row.");
            covered = r.End;
        }
        if (covered != problem.Train.Rows)
            throw new ArgumentException($"Training shards cover {covered} of {problem.Train.Rows} rows.");

        _trainRanges = trainRanges.ToArray();
        var inputs = problem.Hyper as Hyperparameters.InputHyperparameter;
        _train = _trainRanges.Select(r => new TrainingShard(problem.Model, problem.Train.Slice(r.Start, r.Count), inputs, r.Start)).ToArray();
        _validation = RowRange.Split(problem.Validation.Rows, _trainRanges.Length)
            .Select(r => new TrainingShard(problem.Model, problem.Validation.Slice(r.Start, r.Count)))
            .ToArray();
    }

    public int ShardCount => _train.Length;

    protected override ValueTask<LossGradient> SumTrainLossGrad(double[] theta, double[] lambda, CancellationToken ct)
    {
        // λ changes once an outer step: the shards apply it (weights, or rows built from it) only then.
        bool fresh = _applied is null || !lambda.AsSpan().SequenceEqual(_applied);
        var parts = Map(_train, (shard, s) =>
        {
            if (fresh) shard.SetShardLambda(Slice(lambda, s));
            return shard.SetPoint(theta);
        }, ct);
        _applied = (double[])lambda.Clone();
        return ValueTask.FromResult(Sum(parts));
    }

    protected override ValueTask<double[]> SumTrainHvp(double[] v, CancellationToken ct) =>
        ValueTask.FromResult(SumInOrder(Map(_train, (shard, _) => shard.Hvp(v), ct), ParameterCount));

    protected override ValueTask<double[]> SumTrainHessianDiagonal(CancellationToken ct) =>
        ValueTask.FromResult(SumInOrder(Map(_train, (shard, _) => shard.HessianDiagonal(), ct), ParameterCount));

    protected override ValueTask<double[]> SumGram(CancellationToken ct) =>
        ValueTask.FromResult(SumInOrder(Map(_train, (shard, _) => shard.Gram(), ct), Model.Layout.Features * Model.Layout.Features));

    protected override ValueTask<double[]> SumOutputCurvature(CancellationToken ct) =>
        ValueTask.FromResult(SumInOrder(Map(_train, (shard, _) => shard.OutputCurvature(), ct), Model.Layout.Outputs * Model.Layout.Outputs));

    protected override ValueTask<double[]> TrainRowGradientDots(double[] v, CancellationToken ct)
    {
        var parts = Map(_train, (shard, _) => shard.RowGradientDot(v), ct);
        var dots = new double[TrainRows];
        for (int s = 0; s < parts.Length; s++) parts[s].CopyTo(dots, _trainRanges[s].Start);
        return ValueTask.FromResult(dots);
    }

    protected override ValueTask<double[]> SumInputCross(double[] v, CancellationToken ct)
    {
        var parts = Map(_train, (shard, s) => shard.InputCross(v), ct);
        var total = new double[HyperCount];
        for (int s = 0; s < parts.Length; s++) Vec.Add(parts[s], total.AsSpan(SliceOf(s).Offset, parts[s].Length));
        return ValueTask.FromResult(total);
    }

    /// <summary>Where shard s's slice of λ is (empty when the kind gives shards none).</summary>
    private (int Offset, int Length) SliceOf(int s) => Hyper.ShardSlice(_trainRanges[s].Start, _trainRanges[s].Count) ?? (0, 0);

    private ReadOnlySpan<double> Slice(double[] lambda, int s)
    {
        var (offset, length) = SliceOf(s);
        return lambda.AsSpan(offset, length);
    }

    protected override ValueTask<LossGradient> SumValidationLossGrad(double[] theta, CancellationToken ct) =>
        ValueTask.FromResult(Sum(Map(_validation, (shard, _) => shard.Evaluate(theta), ct)));

    private LossGradient Sum(LossGradient[] parts)
    {
        double loss = 0;
        foreach (var p in parts) loss += p.Loss;
        return new LossGradient(loss, SumInOrder(parts.Select(p => p.Gradient).ToArray(), ParameterCount));
    }

    private static T[] Map<T>(TrainingShard[] shards, Func<TrainingShard, int, T> work, CancellationToken ct)
    {
        var results = new T[shards.Length];
        if (shards.Length == 1)
        {
            results[0] = work(shards[0], 0);
            return results;
        }
        Parallel.For(0, shards.Length, new ParallelOptions { CancellationToken = ct }, s => results[s] = work(shards[s], s));
        return results;
    }
}
