using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains.Placement;
using HyperIft.Grains.Testing;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace HyperIft.Grains;

/// <summary>
/// A thin adapter from grain calls to <see cref="TrainingShard"/>. It is never the only copy of
/// anything: its rows come from the descriptor and its point from the coordinator, and a fresh
/// activation that lacks either says so with <see cref="ShardStateLostException"/>.
/// </summary>
[ShardPlacement]
internal sealed class DataShardGrain(
    ComputeGate gate,
    ILocalSiloDetails silo,
    [PersistentState("lambda", HyperIftStorage.Name)] IPersistentState<HeldSliceState> held,
    ILogger<DataShardGrain> log,
    IShardOpenFault? openFault = null) // tests only: production registers none
    : VectorPeerGrain, IDataShardGrain
{
    private ShardDescriptor? _descriptor;
    private ShardSummary? _summary;
    private (DataSpec Data, int Start, int Count, Dataset Rows)? _raw; // kept between the two opening passes
    private TrainingShard? _shard;
    private long _point;
    private long _rowLambdaVersion; // of the row weights the shard holds (0: none)
    private HeldLambdaStep? _heldAt; // the step of the held slice the row weights were set from (null: none)
    private LambdaSlice? _advanced; // the recorded slice taken one step on: a cache, storage keeps what makes it

    public Task<(int Rows, int Features)> Measure(DataSpec data) => Input(() => Task.Run(() =>
    {
        RequireClientFiles(data);
        return data.Measure();
    }));

    public async Task<ShardSummary> Open(ShardDescriptor descriptor, bool moments)
    {
        if (_summary is not null && !moments && _descriptor == descriptor) return _summary;
        openFault?.Check(this.GetPrimaryKeyString(), silo.SiloAddress);
        if (descriptor is { Inputs.Kind: Distill.KindName, Model: { } model })
        {
            // Synthetic slots: labels fixed by position, inputs from λ; no file to read.
            var distillShard = await gate.Run(() => DistillSlots(descriptor, model));
            var slots = new ShardSummary(descriptor.Data.Source, descriptor.Count, model.Features, model.Classes - 1, true, false, null, null);
            (_descriptor, _summary, _shard, _point, _rowLambdaVersion, _heldAt, _raw) = (descriptor, slots, distillShard, 0, 0, null, null);
            return slots;
        }
        var rows = await ReadRows(descriptor);
        var (summary, shard) = await gate.Run(() => Build(rows, descriptor, moments));
        (_descriptor, _summary, _shard, _point, _rowLambdaVersion, _heldAt) = (descriptor, summary, shard, 0, 0, null);
        if (shard is not null) _raw = null; // the shard holds what it needs
        return summary;
    }

    public Task<SiloAddress> Host() => Task.FromResult(silo.SiloAddress);

    public Task Leave(SiloAddress to)
    {
        if (to.Equals(silo.SiloAddress)) return Task.CompletedTask; // already there: a retried move need not move again
        log.LogInformation("Shard {Shard} moves from {Silo} to {Target} to balance its run", this.GetPrimaryKeyString(), silo.SiloAddress, to);
        // Migration moves the directory entry with the activation, so no call in between can land elsewhere.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, to);
        this.MigrateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<LossGradMessage> SetPoint(long point, Vector theta, long rowLambdaVersion, Vector rowLambda, HeldLambdaStep? held = null)
    {
        var shard = RequireShard();
        var th = Mailbox.Open(theta);
        if (held is not null)
        {
            var slice = HeldSlice(held);
            bool fresh = _heldAt?.Step != slice.Step;
            var (heldLoss, heldGrad) = await gate.Run(() =>
            {
                if (fresh) shard.SetShardLambda(slice.Lambda);
                return shard.SetPoint(th);
            });
            (_heldAt, _rowLambdaVersion, _point) = (held, 0, point);
            return new LossGradMessage(heldLoss, Mailbox.Post(heldGrad));
        }
        bool received = rowLambda.Length > 0 || rowLambdaVersion == 0;
        if (!received && _rowLambdaVersion != rowLambdaVersion)
            throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()} does not hold row hyperparameters of version {rowLambdaVersion}.");
        var rl = received ? Mailbox.Open(rowLambda) : null;
        var (loss, grad) = await gate.Run(() =>
        {
            if (rl is not null) shard.SetShardLambda(rl);
            return shard.SetPoint(th);
        });
        (_rowLambdaVersion, _heldAt, _point) = (rowLambdaVersion, null, point);
        return new LossGradMessage(loss, Mailbox.Post(grad));
    }

    public async Task HoldLambda(Vector slice)
    {
        var d = _descriptor ?? throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()} has no rows (new activation).");
        var values = Mailbox.Open(slice);
        if (values.Length != d.Count)
            throw new ArgumentException($"Shard {this.GetPrimaryKeyString()} holds {d.Count} rows, not {values.Length}.");
        await Record(new HeldSliceState { Start = d.Start, Count = d.Count, Slice = LambdaSlice.Start(values) });
        _heldAt = null;
    }

    public async Task<SliceSummary> HeldHypergradient(long point, Vector v, int rows)
    {
        var shard = RequirePoint(point);
        var at = _heldAt ?? throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()} is not at a point of its held λ.");
        var slice = HeldSlice(at);
        var x = Mailbox.Open(v);
        var gradient = await gate.Run(() => shard.RowHypergradient(x, slice.Lambda, rows));
        // Recorded before the reply: once the run records this step, every slice can be taken on from here.
        var recorded = slice.WithGradient(gradient);
        await Record(new HeldSliceState { Start = held.State.Start, Count = held.State.Count, Slice = recorded });
        return recorded.Summary();
    }

    public Task<Vector> HeldLambda(HeldLambdaStep at) => Task.FromResult(Mailbox.Post(HeldSlice(at).Lambda));

    public async Task ForgetLambda()
    {
        if (held.State.Slice is null) return;
        await held.ClearStateAsync();
        (_heldAt, _advanced) = (null, null);
    }

    /// <summary>
    /// The shard's slice of the held λ at a step of its run: the recorded one, or the recorded one taken one
    /// update on by its gradient (when the run recorded that step too). The recorded slice is replaced only
    /// by a newer record, so a run that comes back to the recorded step still finds it. Needs no rows: a
    /// fresh activation answers from storage.
    /// </summary>
    private LambdaSlice HeldSlice(HeldLambdaStep at)
    {
        var state = held.State;
        string shard = this.GetPrimaryKeyString();
        if (state.Slice is not { } recorded)
            throw new ComputationFailedException($"Shard {shard} holds no λ for its rows at step {at.Step}: "
                + "its stored slice is gone (storage lost its data?), and the run cannot go on without it");
        if (_descriptor is { } d && (state.Start != d.Start || state.Count != d.Count))
            throw new ComputationFailedException($"Shard {shard} holds λ for rows [{state.Start}, {state.Start + state.Count}), "
                + $"not for its rows [{d.Start}, {d.Start + d.Count})");
        if (at.Step == recorded.Step) return recorded;
        if (at.Step == recorded.Step + 1 && recorded.Gradient is not null)
            return _advanced is { } next && next.Step == at.Step ? next : _advanced = recorded.At(at.Step, at.CreateOptimizer());
        throw new ComputationFailedException(at.Step < recorded.Step
            ? $"Shard {shard} recorded λ at step {recorded.Step}; the run asks for step {at.Step}, which it no longer holds (the run's own state lost steps it had written?)"
            : $"Shard {shard} holds λ at step {recorded.Step}{(recorded.Gradient is null ? " without its gradient" : "")}; step {at.Step} cannot be reached from it (storage lost a write?)");
    }

    /// <summary>
    /// Persists a new record of the held slice (λ, moments, gradient: 32 bytes a row), timed like the tuner's
    /// writes; memory keeps it only once storage has it. A write that lost to another activation of this shard
    /// is that activation's to make: this one steps aside, and the coordinator's retry meets a fresh one.
    /// </summary>
    private async Task Record(HeldSliceState next)
    {
        var before = held.State;
        held.State = next;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await held.WriteAsync(log, $"shard {this.GetPrimaryKeyString()}");
        }
        catch (StateConflictException e)
        {
            held.State = before;
            DeactivateOnIdle();
            throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()}: {e.Message}; this activation steps aside");
        }
        catch
        {
            held.State = before;
            throw;
        }
        _advanced = null;
        HyperIftTelemetry.StateWrite.Record(clock.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("grain", "shard"));
    }

    public async Task<Vector> Hvp(long point, Vector v)
    {
        var shard = RequirePoint(point);
        var x = Mailbox.Open(v);
        return Mailbox.Post(await gate.Run(() => shard.Hvp(x)));
    }

    public async Task<Vector> HessianDiagonal(long point)
    {
        var shard = RequirePoint(point);
        return Mailbox.Post(await gate.Run(shard.HessianDiagonal));
    }

    public async Task<Vector> Gram()
    {
        var shard = RequireShard();
        return Mailbox.Post(await gate.Run(shard.Gram));
    }

    public async Task<Vector> OutputCurvature(long point)
    {
        var shard = RequirePoint(point);
        return Mailbox.Post(await gate.Run(shard.OutputCurvature));
    }

    public async Task<Vector> RowGradientDot(long point, Vector v)
    {
        var shard = RequirePoint(point);
        var x = Mailbox.Open(v);
        return Mailbox.Post(await gate.Run(() => shard.RowGradientDot(x)));
    }

    public async Task<Vector> InputCross(long point, Vector v)
    {
        var shard = RequirePoint(point);
        var x = Mailbox.Open(v);
        return Mailbox.Post(await gate.Run(() => shard.InputCross(x)));
    }

    public async Task<LossGradMessage> Evaluate(Vector theta)
    {
        var shard = RequireShard();
        var th = Mailbox.Open(theta);
        var (loss, grad) = await gate.Run(() => shard.Evaluate(th));
        return new LossGradMessage(loss, Mailbox.Post(grad));
    }

    public Task<Vector> Labels() => Task.FromResult(Mailbox.Post(RequireShard().Data.Y.ToArray()));

    /// <summary>Only this shard's rows, read from the source (a window of a file, or generated).</summary>
    private async Task<Dataset> ReadRows(ShardDescriptor d)
    {
        if (_raw is { } raw && raw.Data == d.Data && raw.Start == d.Start && raw.Count == d.Count) return raw.Rows;
        var rows = await Input(() => Task.Run(() =>
        {
            RequireClientFiles(d.Data);
            return d.Data.Load(new RowWindow(d.Start, d.Count));
        }));
        _raw = (d.Data, d.Start, d.Count, rows);
        return rows;
    }

    /// <summary>Refuses files that are not the ones the client measured (another machine, another copy, changed since).</summary>
    private void RequireClientFiles(DataSpec data)
    {
        if (SourceFiles.Check(data.Source, data.Fingerprint) is { } mismatch)
            throw new ProblemInputException(
                $"{mismatch.File} on silo {silo.SiloAddress}: {mismatch.Problem}; the silos must see the same files as the client");
    }

    /// <summary>Bad input read on this silo, reported to the caller as one clear message.</summary>
    private static async Task<T> Input<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (DataFormatException e)
        {
            throw new ProblemInputException(e.Message);
        }
    }

    private static (ShardSummary, TrainingShard?) Build(Dataset rows, ShardDescriptor d, bool moments)
    {
        double labelMax = rows.Rows == 0 ? double.NegativeInfinity : rows.Y.Max();
        Vector? mean = null, m2 = null;
        if (moments)
        {
            var (mu, dev) = Standardizer.Moments(rows);
            (mean, m2) = (Vector.Of(mu), Vector.Of(dev));
        }
        var summary = new ShardSummary(rows.Source, rows.Rows, rows.Features, labelMax,
            rows.Y.Contains(0.0), rows.Y.Contains(-1.0), mean, m2);
        if (d.Model is null) return (summary, null);

        if (d.Mean is not null && d.Scale is not null)
            rows = new Standardizer(d.Mean.ToArray(), d.Scale.ToArray()).Apply(rows);
        var model = ProblemBuilder.Create(d.Model);
        try
        {
            LabelCheck.Validate(model, rows);
        }
        catch (DataFormatException e)
        {
            throw new ProblemInputException(e.Message);
        }
        var inputs = d.Inputs is null ? null : ProblemBuilder.Inputs(d.Inputs, model);
        if (inputs is not null && rows.IsSparse) rows = rows.ToDense(); // augmented copies are dense whatever the rows were
        return (summary, new TrainingShard(model, rows.Block, inputs, d.Start));
    }

    private static TrainingShard DistillSlots(ShardDescriptor d, ModelSpec model)
    {
        var numeric = ProblemBuilder.Create(model);
        var distill = (Distill)ProblemBuilder.Inputs(d.Inputs!, numeric);
        return new TrainingShard(numeric, distill.SlotRows(d.Start, d.Count), distill, d.Start);
    }

    private TrainingShard RequireShard() =>
        _shard ?? throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()} has no rows (new activation).");

    private TrainingShard RequirePoint(long point)
    {
        var shard = RequireShard();
        return _point == point
            ? shard
            : throw new ShardStateLostException($"Shard {this.GetPrimaryKeyString()} is not at point {point}.");
    }
}
