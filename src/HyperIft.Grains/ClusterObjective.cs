using System.Diagnostics;
using HyperIft.Abstractions;
using HyperIft.Grains.Placement;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace HyperIft.Grains;

/// <summary>
/// The objective of a run, summed over shard grains: the same <see cref="ShardedObjective"/> as the
/// in-process one, so every solver runs unchanged on a cluster. Partial sums are added in shard
/// order, so the result does not depend on which shard answers first. A shard that lost its state
/// (its silo died, it was reactivated) is reopened from its descriptor, put back at the current
/// point, and asked again.
/// </summary>
internal sealed class ClusterObjective : ShardedObjective
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromMinutes(3);

    /// <summary>A shard that keeps losing its state after this many restores has a problem a retry will not fix.</summary>
    private const int MaxRestores = 10;

    private readonly IDataShardGrain[] _train;
    private readonly ShardDescriptor[] _trainDescriptors;
    private readonly IDataShardGrain[] _validation;
    private readonly ShardDescriptor[] _validationDescriptors;
    private readonly ILogger _log;
    private long _point = Random.Shared.NextInt64(1, long.MaxValue / 2);
    private double[]? _theta;
    private double[]? _lambda;
    // Raised whenever the row hyperparameters change; random like the point, so that no shard holds a
    // slice of the same version from another activation of the coordinator.
    private long _rowLambdaVersion = Random.Shared.NextInt64(1, long.MaxValue / 2);
    private readonly long[] _rowLambdaSent; // the version each training shard holds

    public ClusterObjective(Model model, Hyperparameter hyper, int trainRows, int validationRows,
        IDataShardGrain[] train, ShardDescriptor[] trainDescriptors,
        IDataShardGrain[] validation, ShardDescriptor[] validationDescriptors, ILogger log)
        : base(model, hyper, trainRows, validationRows)
    {
        (_train, _trainDescriptors, _validation, _validationDescriptors, _log) =
            (train, trainDescriptors, validation, validationDescriptors, log);
        _rowLambdaSent = new long[train.Length];
    }

    /// <summary>
    /// The step of the λ the training shards hold (<see cref="LambdaSlice"/>) while a held step computes: the
    /// points then carry no λ and the shards use their own slices. Null: λ comes with every point.
    /// </summary>
    public HeldLambdaStep? Held
    {
        get => _held;
        set
        {
            if (value is not null && !Hyper.WeightsRows)
                throw new InvalidOperationException($"{Hyper.Name} is not held by the shards: only one λ per row is");
            _held = value;
        }
    }

    private HeldLambdaStep? _held;

    /// <summary>
    /// The silos this run's shards may be opened on now (active, and none that refused them), or null for any:
    /// a shard re-activated on a silo that cannot open it is moved to another of them.
    /// </summary>
    public Func<SiloAddress[]>? Placeable { get; init; }

    protected override bool LambdaHeldByShards => _held is not null;

    protected override async ValueTask<LossGradient> SumTrainLossGrad(double[] theta, double[] lambda, CancellationToken ct)
    {
        _point++;
        if (_held is null && Hyper.ShardsTakeLambda && (_lambda is null || !lambda.AsSpan().SequenceEqual(_lambda))) _rowLambdaVersion++;
        // A copy: a caller changing λ in place must still raise the version. None while held: the shards
        // replace their slices with the held ones, so the λ sent after is new to them.
        (_theta, _lambda) = (theta, _held is null ? (double[])lambda.Clone() : null);
        using var activity = HyperIftTelemetry.Source.StartActivity("hyperift.setpoint_fanout");
        var parts = await FanOut(_train, s => SetPointOn(s), ct);
        return Sum(parts);
    }

    protected override async ValueTask<double[]> SumTrainHvp(double[] v, CancellationToken ct)
    {
        using var activity = HyperIftTelemetry.Source.StartActivity("hyperift.hvp_fanout");
        var clock = Stopwatch.StartNew();
        var parts = await Products(v, (shard, point, x) => shard.Hvp(point, x), ct);
        HyperIftTelemetry.HvpFanOut.Record(clock.Elapsed.TotalMilliseconds);
        return SumInOrder(parts, ParameterCount);
    }

    protected override async ValueTask<double[]> SumTrainHessianDiagonal(CancellationToken ct)
    {
        long point = _point;
        var parts = await FanOut(_train, async s => await VectorTransfer.Fetch(_train[s], await _train[s].HessianDiagonal(point)), ct);
        return SumInOrder(parts, ParameterCount);
    }

    protected override async ValueTask<double[]> SumGram(CancellationToken ct)
    {
        var parts = await FanOut(_train, async s => await VectorTransfer.Fetch(_train[s], await _train[s].Gram()), ct);
        return SumInOrder(parts, Model.Layout.Features * Model.Layout.Features);
    }

    protected override async ValueTask<double[]> SumOutputCurvature(CancellationToken ct)
    {
        long point = _point;
        var parts = await FanOut(_train, async s => await VectorTransfer.Fetch(_train[s], await _train[s].OutputCurvature(point)), ct);
        return SumInOrder(parts, Model.Layout.Outputs * Model.Layout.Outputs);
    }

    protected override async ValueTask<double[]> TrainRowGradientDots(double[] v, CancellationToken ct)
    {
        return InRowOrder(await Products(v, (shard, point, x) => shard.RowGradientDot(point, x), ct));
    }

    protected override async ValueTask<double[]> SumInputCross(double[] v, CancellationToken ct)
    {
        var parts = await Products(v, (shard, point, x) => shard.InputCross(point, x), ct);
        var total = new double[HyperCount];
        for (int s = 0; s < parts.Length; s++)
            Numerics.Vec.Add(parts[s], total.AsSpan(Hyper.ShardSlice(_trainDescriptors[s].Start, _trainDescriptors[s].Count)!.Value.Offset, parts[s].Length));
        return total;
    }

    /// <summary>Gives every training shard its rows' slice of <paramref name="lambda"/> to hold from step 0.</summary>
    public async Task HoldLambda(double[] lambda, CancellationToken ct = default)
    {
        if (!Hyper.WeightsRows) throw new InvalidOperationException($"{Hyper.Name} is not held by the shards: only one λ per row is");
        await FanOut(_train, async s =>
        {
            var d = _trainDescriptors[s];
            await _train[s].HoldLambda(await VectorTransfer.Send(_train[s], lambda.AsSpan(d.Start, d.Count).ToArray()));
            return true;
        }, ct);
    }

    /// <summary>Each shard records its part of dg/dλ at the held step from v; only their summaries come back.</summary>
    public async Task<SliceSummary> HeldHypergradient(double[] v, CancellationToken ct)
    {
        var parts = await FanOut(_train, async s =>
        {
            var shard = _train[s];
            return await shard.HeldHypergradient(_point, await VectorTransfer.Send(shard, v), Divisor);
        }, ct);
        return SliceSummary.Combine(parts);
    }

    /// <summary>Has every training shard clear its stored slice of a held λ.</summary>
    public async Task ForgetHeldLambda(CancellationToken ct = default) =>
        await FanOut(_train, async s =>
        {
            await _train[s].ForgetLambda();
            return true;
        }, ct);

    /// <summary>The held λ at a step, gathered in row order.</summary>
    public async Task<double[]> HeldLambda(HeldLambdaStep at, CancellationToken ct = default) =>
        InRowOrder(await FanOut(_train, async s => await VectorTransfer.Fetch(_train[s], await _train[s].HeldLambda(at)), ct));

    /// <summary>One product of v on every training shard at the current point, in shard order.</summary>
    private Task<double[][]> Products(double[] v, Func<IDataShardGrain, long, Vector, Task<Vector>> product, CancellationToken ct)
    {
        long point = _point;
        return FanOut(_train, async s =>
        {
            var shard = _train[s];
            var reply = await product(shard, point, await VectorTransfer.Send(shard, v));
            return await VectorTransfer.Fetch(shard, reply);
        }, ct);
    }

    /// <summary>Every training row's label, in row order.</summary>
    public async Task<double[]> TrainLabels(CancellationToken ct = default)
    {
        var parts = await FanOut(_train, async s => await VectorTransfer.Fetch(_train[s], await _train[s].Labels()), ct);
        return InRowOrder(parts);
    }

    /// <summary>The shards' per-row parts laid side by side as one vector over the training rows.</summary>
    private double[] InRowOrder(double[][] parts)
    {
        var all = new double[TrainRows];
        for (int s = 0; s < parts.Length; s++) parts[s].CopyTo(all, _trainDescriptors[s].Start);
        return all;
    }

    protected override async ValueTask<LossGradient> SumValidationLossGrad(double[] theta, CancellationToken ct)
    {
        var parts = await FanOut(_validation, async s =>
        {
            var shard = _validation[s];
            var reply = await shard.Evaluate(await VectorTransfer.Send(shard, theta));
            return new LossGradient(reply.Loss, await VectorTransfer.Fetch(shard, reply.Gradient));
        }, ct, validation: true);
        return Sum(parts);
    }

    private async Task<LossGradient> SetPointOn(int s)
    {
        var shard = _train[s];
        var d = _trainDescriptors[s];
        var theta = await VectorTransfer.Send(shard, _theta!);
        if (_held is not null)
        {
            _rowLambdaSent[s] = 0;
            var heldReply = await shard.SetPoint(_point, theta, 0, Vector.Empty, _held);
            return new LossGradient(heldReply.Loss, await VectorTransfer.Fetch(shard, heldReply.Gradient));
        }
        // λ changes once an outer step: a shard keeps its slice (row weights, or what its rows are built from) between inner iterations.
        var slice = Hyper.ShardSlice(d.Start, d.Count);
        long version = slice is null ? 0 : _rowLambdaVersion;
        bool send = slice is not null && _rowLambdaSent[s] != version;
        var rowLambda = send ? await VectorTransfer.Send(shard, _lambda!.AsSpan(slice!.Value.Offset, slice.Value.Length).ToArray()) : Vector.Empty;
        var reply = await shard.SetPoint(_point, theta, version, rowLambda);
        if (send) _rowLambdaSent[s] = version;
        return new LossGradient(reply.Loss, await VectorTransfer.Fetch(shard, reply.Gradient));
    }

    private LossGradient Sum(LossGradient[] parts)
    {
        double loss = 0;
        foreach (var p in parts) loss += p.Loss;
        return new LossGradient(loss, SumInOrder(parts.Select(p => p.Gradient).ToArray(), ParameterCount));
    }

    private Task<T[]> FanOut<T>(IDataShardGrain[] shards, Func<int, Task<T>> call, CancellationToken ct, bool validation = false) =>
        Task.WhenAll(Enumerable.Range(0, shards.Length).Select(s => WithRecovery(s, call, validation, ct)));

    private async Task<T> WithRecovery<T>(int s, Func<int, Task<T>> call, bool validation, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        int restores = 0;
        for (int attempt = 0; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await call(s);
            }
            catch (Exception e) when ((e is ShardStateLostException && restores++ < MaxRestores || TransientFailures.IsTransient(e))
                                      && clock.Elapsed < RecoveryLimit)
            {
                _log.LogWarning("Shard {Set}/{Shard} failed ({Error}); restoring it (attempt {Attempt})",
                    validation ? "val" : "train", s, e.Message, attempt + 1);
                if (e is not ShardStateLostException || restores > 1) // a first lost state is restored at once
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * (1 << Math.Min(attempt, 5)))), ct);
                await TryRestore(s, validation);
            }
        }
    }

    /// <summary>
    /// Balances the shards over <paramref name="silos"/> (one joined or left), moving the fewest, and opens the
    /// moved ones on their new silo at once; the next point is set on every shard as always. Sums keep their
    /// shard order, so no result changes. A silo that cannot open a shard moved to it gives it back to where it
    /// was open (the run goes on as it would have without that silo) and is named among the refusals. Returns
    /// how many moved and the refusals, or null when a shard could not say where it is (try again at the next step).
    /// </summary>
    public async Task<(int Moved, List<ShardRefusal> Refused)?> Balance(SiloAddress[] silos)
    {
        async Task<SiloAddress?> Host(IDataShardGrain shard)
        {
            try
            {
                return await shard.Host();
            }
            catch (Exception e) when (TransientFailures.IsTransient(e))
            {
                return null;
            }
        }
        var trainHosts = await Task.WhenAll(_train.Select(Host));
        var validationHosts = await Task.WhenAll(_validation.Select(Host));
        if (trainHosts.Any(h => h is null) || validationHosts.Any(h => h is null)) return null;
        var moves = ShardBalance.Plan(trainHosts, silos).Select(m => (m.Shard, m.Target, Validation: false, From: trainHosts[m.Shard]!))
            .Concat(ShardBalance.Plan(validationHosts, silos).Select(m => (m.Shard, m.Target, Validation: true, From: validationHosts[m.Shard]!))).ToArray();
        var failures = await Task.WhenAll(moves.Select(m => TryMove(m.Shard, m.Validation, m.Target)));
        var refused = moves.Zip(failures).Where(x => x.Second is not null).ToArray();
        // Back only once every move is done: a shard whose old silo left goes to one no other move found refusing.
        var allowed = silos.Except(refused.Select(x => x.First.Target)).ToArray();
        await Task.WhenAll(refused.Select(x =>
        {
            var (s, _, validation, from) = x.First;
            var back = allowed.Contains(from) || allowed.Length == 0
                ? from
                : ShardPlacementDirector.Choose(Shard(s, validation).GetPrimaryKeyString(), allowed);
            return Move(s, validation, back);
        }));
        return (moves.Length - refused.Length,
            refused.Select(x => new ShardRefusal(x.First.Target, Name(x.First.Shard, x.First.Validation), x.Second!.Message)).ToList());
    }

    /// <summary>Moves a shard to <paramref name="target"/> and opens it there; what opening it there threw, or null.</summary>
    private async Task<Exception?> TryMove(int s, bool validation, SiloAddress target)
    {
        try
        {
            await Move(s, validation, target);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }

    /// <summary>
    /// Migrates a shard to <paramref name="target"/> and opens it there, with the recovery of every shard call:
    /// a transient failure is retried, not thrown at the step (a retried <see cref="IDataShardGrain.Leave"/>
    /// where the shard already is does nothing).
    /// </summary>
    private Task<bool> Move(int s, bool validation, SiloAddress target) =>
        WithRecovery(s, async _ =>
        {
            await MoveOnce(s, validation, target);
            return true;
        }, validation, CancellationToken.None);

    /// <summary>How long a move waits for the shard to reach its target before the recovery tries it again.</summary>
    private static readonly TimeSpan MovePatience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Migrates a shard to <paramref name="target"/> and opens it there, once. The open is sent only once the
    /// shard answers from <paramref name="target"/>: the activation migrates when idle, and Orleans skips a
    /// migration whose hint the shard's silo does not yet know (a joining silo's manifest lags its membership;
    /// placement then picks the silo it is on) — an open sent regardless would run where the shard was, or, when
    /// moving back, on the silo that cannot open it. So the hint rides on every call here (a shard deactivated
    /// by a failed migration is re-activated on the target), Leave is repeated each second, and a shard that
    /// has not arrived within <see cref="MovePatience"/> is a <see cref="TimeoutException"/> the recovery retries.
    /// </summary>
    private async Task MoveOnce(int s, bool validation, SiloAddress target)
    {
        // Request context flows with the calls of this method only (an async method's changes do not reach its caller).
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        var shard = Shard(s, validation);
        var clock = Stopwatch.StartNew();
        for (int poll = 0; !(await shard.Host()).Equals(target); poll++)
        {
            if (clock.Elapsed > MovePatience)
                throw new TimeoutException($"shard {Name(s, validation)} did not move to silo {target} within {MovePatience.TotalSeconds:F0} s");
            if (poll % 50 == 0) await shard.Leave(target);
            await Task.Delay(20);
        }
        await Reopen(s, validation);
    }

    private static string Name(int s, bool validation) => $"{(validation ? "val" : "train")}/{s}";

    private IDataShardGrain Shard(int s, bool validation) => (validation ? _validation : _train)[s];

    /// <summary>A placeable silo other than the one the shard is on, or null when there is none.</summary>
    private async Task<SiloAddress?> ElsewhereThan(int s, bool validation)
    {
        var shard = Shard(s, validation);
        var host = await shard.Host();
        var others = (Placeable?.Invoke() ?? []).Where(silo => !silo.Equals(host)).ToArray();
        return others.Length == 0 ? null : ShardPlacementDirector.Choose(shard.GetPrimaryKeyString(), others);
    }

    private async Task Reopen(int s, bool validation)
    {
        if (validation)
        {
            await _validation[s].Open(_validationDescriptors[s], moments: false);
            return;
        }
        await _train[s].Open(_trainDescriptors[s], moments: false);
        _rowLambdaSent[s] = 0; // a reopened shard may hold no row hyperparameters
    }

    private async Task TryRestore(int s, bool validation)
    {
        try
        {
            try
            {
                await Reopen(s, validation);
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not ShardStateLostException && !TransientFailures.IsTransient(e))
            {
                // Re-activated on a silo that cannot open it (placement knows nothing of a run's exclusions, and a
                // silo may refuse before balancing has found out): one move to another placeable silo; if the
                // shard cannot be opened there either, that failure stands.
                var target = await ElsewhereThan(s, validation);
                if (target is null) throw;
                _log.LogWarning("Shard {Shard} came back on a silo that cannot open it ({Error}); moving it to {Target}",
                    Shard(s, validation).GetPrimaryKeyString(), e.Message, target);
                await MoveOnce(s, validation, target);
            }
            if (!validation && _theta is not null) await SetPointOn(s);
        }
        catch (Exception e) when (TransientFailures.IsTransient(e) || e is ShardStateLostException)
        {
            // The silo may not be declared dead yet; the next attempt tries again.
        }
    }
}
