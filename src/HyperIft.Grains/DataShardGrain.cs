using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains.Placement;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Grains;

/// <summary>
/// A thin adapter from grain calls to <see cref="TrainingShard"/>. It is never the only copy of
/// anything: its rows come from the descriptor and its point from the coordinator, and a fresh
/// activation that lacks either says so with <see cref="ShardStateLostException"/>.
/// </summary>
[ShardPlacement]
public sealed class DataShardGrain(DatasetCache cache, ComputeGate gate) : VectorPeerGrain, IDataShardGrain
{
    private ShardDescriptor? _descriptor;
    private ShardSummary? _summary;
    private TrainingShard? _shard;
    private long _point;

    public async Task<(int Rows, int Features)> Measure(DataSetSpec data)
    {
        var set = await Read(data);
        return (set.Rows, set.Features);
    }

    public async Task<ShardSummary> Open(ShardDescriptor descriptor, bool moments)
    {
        if (_summary is not null && !moments && _descriptor == descriptor) return _summary;
        var whole = await Read(descriptor.Data);
        var (summary, shard) = await gate.Run(() => Build(whole, descriptor, moments));
        (_descriptor, _summary, _shard, _point) = (descriptor, summary, shard, 0);
        if (shard is not null)
        {
            // The shard has copied its rows: let the whole data set go now rather than at some later
            // collection, so a silo's memory settles at the size of its shards.
            whole = null!;
            cache.Forget(descriptor.Data.ToDataSpec());
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        return summary;
    }

    public async Task<LossGradMessage> SetPoint(long point, Vector theta, Vector rowLambda)
    {
        var shard = RequireShard();
        var th = Mailbox.Open(theta);
        var rl = Mailbox.Open(rowLambda);
        var (loss, grad) = await gate.Run(() => shard.SetPoint(th, rl));
        _point = point;
        return new LossGradMessage(loss, Mailbox.Post(grad));
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

    public async Task<Vector> RowGradientDot(long point, Vector v)
    {
        var shard = RequirePoint(point);
        var x = Mailbox.Open(v);
        return Mailbox.Post(await gate.Run(() => shard.RowGradientDot(x)));
    }

    public async Task<LossGradMessage> Evaluate(Vector theta)
    {
        var shard = RequireShard();
        var th = Mailbox.Open(theta);
        var (loss, grad) = await gate.Run(() => shard.Evaluate(th));
        return new LossGradMessage(loss, Mailbox.Post(grad));
    }

    private async Task<Dataset> Read(DataSetSpec data)
    {
        try
        {
            return await cache.Get(data.ToDataSpec());
        }
        catch (DataFormatException e)
        {
            throw new ProblemInputException(e.Message);
        }
    }

    private static (ShardSummary, TrainingShard?) Build(Dataset whole, ShardDescriptor d, bool moments)
    {
        if (d.Start < 0 || d.Count < 0 || d.Start + d.Count > whole.Rows)
            throw new ProblemInputException($"{whole.Source}: rows [{d.Start}, {d.Start + d.Count}) are outside its {whole.Rows} rows");
        var rows = whole.Slice(d.Start, d.Start + d.Count);
        double labelMax = rows.Rows == 0 ? double.NegativeInfinity : rows.Y.Max();
        Vector? mean = null, m2 = null;
        if (moments)
        {
            var (mu, dev) = Standardizer.Moments(rows);
            (mean, m2) = (Vector.Of(mu), Vector.Of(dev));
        }
        var summary = new ShardSummary(whole.Source, rows.Rows, rows.Features, labelMax,
            rows.Y.Contains(0.0), rows.Y.Contains(-1.0), mean, m2);
        if (d.Model is null) return (summary, null);

        if (d.Mean is not null && d.Scale is not null)
            rows = new Standardizer(d.Mean.ToArray(), d.Scale.ToArray()).Apply(rows);
        var model = ModelFactory.Create(d.Model.Name, d.Model.Features, d.Model.Classes, d.Model.Intercept);
        try
        {
            LabelCheck.Validate(model, rows);
        }
        catch (DataFormatException e)
        {
            throw new ProblemInputException(e.Message);
        }
        return (summary, new TrainingShard(model, new DataBlock(rows.X, rows.Y, rows.Features)));
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
