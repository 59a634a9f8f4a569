using System.Diagnostics;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;
using Microsoft.Extensions.Logging;

namespace HyperIft.Grains;

/// <summary>
/// Opens a run's shards and computes hypergradients over them with the shared numerical code.
/// Its state — the shard layout and the last (θ*, v) — is a cache: a new activation throws
/// <see cref="CoordinatorNotConfiguredException"/> and the caller configures it again.
/// </summary>
internal sealed class CoordinatorGrain(IClusterMembershipService membership, IClusterManifestProvider manifest, ILogger<CoordinatorGrain> log) : VectorPeerGrain, ICoordinatorGrain
{
    private ProblemSpec? _spec;
    private ProblemInfo? _info;
    private ClusterObjective? _objective;
    private WarmStart? _warm;
    private Standardization? _standardization;
    private string? _settledFor; // the silos the shards were last balanced over (null: look again)
    // Silos that could not open a shard of this run (they do not see its files, say): balancing leaves them out.
    // Per activation, not persisted: a new activation tries such a silo once more, which costs one failed move
    // and one warning, and gives a silo whose files were put in place since its share again; a restarted silo
    // has a new address anyway.
    private readonly HashSet<SiloAddress> _refusing = [];

    public async Task<ProblemInfo> Configure(ProblemSpec spec)
    {
        if (_spec == spec && _info is not null) return _info;
        if (spec.Shards is < 1 or > ProblemSpec.MaxShards)
            throw new ProblemInputException($"--shards must be from 1 to {ProblemSpec.MaxShards}, got {spec.Shards}");
        (_spec, _info, _objective, _warm, _standardization) = (null, null, null, null, null);

        string run = this.GetPrimaryKeyString();
        var train = Shards(run, "train", spec.Shards);
        var validation = Shards(run, "val", spec.Shards);
        var (n, p) = await train[0].Measure(spec.Train);
        if (spec.Shards > n)
            throw new ProblemInputException($"--shards {spec.Shards} is more than the {n} training rows of {spec.Train.Source}: a shard needs rows");
        // p is the training set's (SPEC §6): a LIBSVM file read by windows needs it, and validation is read at it.
        var trainData = spec.Train with { Features = p };
        var valData = spec.Validation with { Features = p };
        var (m, q) = await validation[0].Measure(valData);
        if (q != p)
            throw new ProblemInputException($"{spec.Validation.Source}: has {q} features, the training set {spec.Train.Source} has {p}");

        var configuration = Guid.NewGuid();
        var trainDescriptors = RowRange.Split(n, spec.Shards)
            .Select(r => new ShardDescriptor(configuration, trainData, r.Start, r.Count, null, null, null)).ToArray();
        var valDescriptors = RowRange.Split(m, spec.Shards)
            .Select(r => new ShardDescriptor(configuration, valData, r.Start, r.Count, null, null, null)).ToArray();

        // First pass: what the rows hold (label range, moments), before the model is settled.
        var summaries = await Task.WhenAll(train.Select((s, i) => s.Open(trainDescriptors[i], spec.Standardize)));
        var labels = LabelSummary.Merge(summaries.Select(s => new LabelSummary(s.LabelMax, s.HasZeroLabel, s.HasMinusOneLabel)));
        var model = ProblemBuilder.Model(spec, p, labels);
        var (mean, scale) = spec.Standardize ? Scaling(summaries) : (null, null);

        // Built here, before any shard builds it, so that a kind that cannot exist for this model is one clear message.
        var (numericModel, hyper) = ProblemBuilder.Build(spec, model, n);
        // Second pass: every shard builds the model and checks its labels against it.
        var inputs = ProblemBuilder.ShardInputs(spec);
        trainDescriptors = inputs?.Kind == Distill.KindName
            ? DistillSlots(spec, model, inputs, configuration, trainData)
            : trainDescriptors.Select(d => d with { Model = model, Mean = mean, Scale = scale, Inputs = inputs }).ToArray();
        int trainRows = trainDescriptors[^1].Start + trainDescriptors[^1].Count;
        valDescriptors = valDescriptors.Select(d => d with { Model = model, Mean = mean, Scale = scale }).ToArray();
        await Task.WhenAll(train.Select((s, i) => s.Open(trainDescriptors[i], false))
            .Concat(validation.Select((s, i) => s.Open(valDescriptors[i], false))));
        // Each shard checked its own rows (with file and line); a mix across shards shows only here.
        ProblemBuilder.CheckLabelSet(spec, labels);

        _objective = new ClusterObjective(numericModel, hyper, trainRows, m, train, trainDescriptors, validation, valDescriptors, log)
        {
            InitialTheta = ProblemBuilder.InitialTheta(spec, numericModel),
            Placeable = PlaceableSilos,
        };
        _info = new ProblemInfo(spec.Model, hyper.Name, trainRows, m, p, model.Classes, numericModel.Layout.Dimension, hyper.Count,
            inputs?.Kind == Distill.KindName ? $"distilled rows started from {summaries[0].Source}" : summaries[0].Source,
            spec.Validation.Source, spec.Shards, LambdaOnShards: hyper.WeightsRows);
        _standardization = mean is null || scale is null ? null : new Standardization(mean, scale);
        _settledFor = null; // the first step looks at the layout this activation inherits
        _refusing.Clear(); // another problem: perhaps other files
        _spec = spec;
        log.LogInformation("Run {Run}: {Model}/{Hyper}, n = {N}, m = {M}, p = {P}, {Shards} shards", run, spec.Model, hyper.Name, n, m, p, spec.Shards);
        return _info;
    }

    public async Task<HypergradientReply> Hypergradient(HypergradientRequest request)
    {
        var objective = RequireObjective();
        var lambda = Mailbox.Open(request.Lambda);
        if (lambda.Length != objective.HyperCount)
            throw new ProblemInputException($"λ has {lambda.Length} entries; {objective.Hyper.Name} needs {objective.HyperCount}");
        return await Compute(request.Solver, request.WarmTheta, request.WarmV, (solves, warm) => solves.Compute(objective, lambda, warm));
    }

    public async Task HoldLambda(Vector lambda)
    {
        var objective = RequireHeld();
        var values = Mailbox.Open(lambda);
        if (values.Length != objective.HyperCount)
            throw new ProblemInputException($"λ has {values.Length} entries; {objective.Hyper.Name} needs {objective.HyperCount}");
        await objective.HoldLambda(values);
    }

    public async Task<HeldStepReply> HeldStep(HeldStepRequest request)
    {
        var objective = RequireHeld();
        SliceSummary? slices = null;
        objective.Held = request.At;
        try
        {
            // λ is the shards': the solves see none, and the cross term stays where the rows are.
            var reply = await Compute(request.Solver, request.WarmTheta, request.WarmV, (solves, warm) => solves.Compute(objective, [], warm,
                crossTerm: async (v, ct) =>
                {
                    slices = await objective.HeldHypergradient(v, ct);
                    return [];
                }));
            return new HeldStepReply(reply, slices!);
        }
        finally
        {
            objective.Held = null;
        }
    }

    public async Task<Vector> HeldLambda(HeldLambdaStep at) => Mailbox.Post(await RequireObjective().HeldLambda(at));

    public Task ForgetHeldLambda() => RequireObjective().ForgetHeldLambda();

    /// <summary>One hypergradient by <paramref name="compute"/>, with the warm start asked for (else the last one), timed and traced.</summary>
    private async Task<HypergradientReply> Compute(SolverSettings settings, Vector? warmTheta, Vector? warmV,
        Func<ImplicitHypergradient, WarmStart?, ValueTask<HypergradientResult>> compute)
    {
        if (settings.Problem(_info!.ParameterCount, _info.Features) is { } badSettings) throw new ProblemInputException(badSettings);
        var warm = warmTheta is null && warmV is null ? _warm : new WarmStart(Open(warmTheta), Open(warmV));
        var clock = Stopwatch.StartNew();
        await SettleShards();
        using var activity = HyperIftTelemetry.Source.StartActivity("hyperift.hypergradient");
        activity?.SetTag("run", this.GetPrimaryKeyString());
        HypergradientResult result;
        try
        {
            result = await compute(settings.Build(_objective!.Convex), warm);
        }
        catch (SolverException e)
        {
            throw new ComputationFailedException(e.Message);
        }
        _warm = result.NextWarmStart;
        var run = new KeyValuePair<string, object?>("run", this.GetPrimaryKeyString());
        HyperIftTelemetry.CgIterations.Record(result.Solve.Iterations, run);
        HyperIftTelemetry.SolverResidual.Record(result.Solve.Residual, run);
        HyperIftTelemetry.NewtonIterations.Record(result.Inner.Iterations, run);
        activity?.SetTag("hessian_products", result.HessianProducts);
        return new HypergradientReply(Mailbox.Post(result.Hypergradient), result.ValidationLoss, result.TrainLoss,
            result.Inner.GradientNorm, result.Inner.Iterations, result.Inner.Converged, result.Solve.Solver,
            result.Solve.Iterations, result.Solve.Residual, result.Solve.Outcome,
            Mailbox.Post(result.Theta), Mailbox.Post(result.V), clock.Elapsed.TotalSeconds, result.HessianProducts,
            result.Inner.HessianProducts, result.Phases);
    }

    /// <summary>
    /// After silos joined or left, moves the shards placement now puts elsewhere, before the step computes:
    /// a joining silo takes its share from the next step on. Looked at again at the next step until no shard
    /// moves (a silo's manifest can lag its membership). A silo that cannot open a shard of this run is left
    /// out from then on: the run goes on without it, as it did before it joined.
    /// </summary>
    private async Task SettleShards()
    {
        // Compared as a set, not by membership version: a joining silo's manifest can arrive after its row.
        var silos = PlaceableSilos();
        string view = string.Join(",", silos.Select(s => s.ToString()));
        if (_settledFor == view) return;
        var clock = Stopwatch.StartNew();
        var balanced = await _objective!.Balance(silos);
        string run = this.GetPrimaryKeyString();
        foreach (var refusal in balanced?.Refused ?? [])
            if (_refusing.Add(refusal.Silo)) // one warning a silo, however many of its shards it refused
                log.LogWarning("Run {Run}: silo {Silo} cannot open shard {Shard} ({Reason}); shards stay off it for this run",
                    run, refusal.Silo, refusal.Shard, refusal.Reason);
        _settledFor = balanced is { Moved: 0, Refused.Count: 0 } ? view : null;
        if (balanced is { Moved: > 0 } b)
            log.LogInformation("Run {Run}: {Moved} shards moved to balance {Silos} silos ({Seconds:F2} s)",
                run, b.Moved, silos.Length, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The silos this run's shards may be on: those in the cluster's manifest that membership calls active (the
    /// ones placement chooses among), less those that could not open a shard of this run; in address order.
    /// </summary>
    private SiloAddress[] PlaceableSilos()
    {
        var snapshot = membership.CurrentSnapshot;
        return manifest.Current.Silos.Keys.Where(s => snapshot.GetSiloStatus(s) == SiloStatus.Active && !_refusing.Contains(s))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
    }

    /// <summary>The objective of a run whose λ the shards hold (one entry per row), else why not.</summary>
    private ClusterObjective RequireHeld()
    {
        var objective = RequireObjective();
        return _info!.LambdaOnShards
            ? objective
            : throw new ProblemInputException($"{objective.Hyper.Name} is not held by the shards: only one λ per row is");
    }

    private ClusterObjective RequireObjective() => _objective ?? throw new CoordinatorNotConfiguredException(
        $"Coordinator {this.GetPrimaryKeyString()} is not configured (new activation).");

    public Task<Standardization?> Standardization() =>
        _info is null
            ? throw new CoordinatorNotConfiguredException($"Coordinator {this.GetPrimaryKeyString()} is not configured (new activation).")
            : Task.FromResult(_standardization);

    public async Task<Vector> TrainLabels() => Mailbox.Post(await RequireObjective().TrainLabels());

    private double[]? Open(Vector? v) => v is null ? null : Mailbox.Open(v);

    /// <summary>
    /// Distill trains on k·C synthetic rows alone (SPEC §8): its training shards hold slots of them, which
    /// read no file; the training file's first pass only settled the classes.
    /// </summary>
    private static ShardDescriptor[] DistillSlots(ProblemSpec spec, ModelSpec model, ShardInputs inputs, Guid configuration, DataSpec trainData)
    {
        long slots = (long)inputs.DistillPerClass * model.Classes; // k·C·p fits an array: ProblemBuilder.Build checked it
        if (spec.Shards > slots)
            throw new ProblemInputException($"--shards {spec.Shards} is more than the {slots} distilled rows (--distill-per-class × {model.Classes} classes): a shard needs rows");
        return RowRange.Split((int)slots, spec.Shards)
            .Select(r => new ShardDescriptor(configuration, trainData, r.Start, r.Count, model, null, null, inputs)).ToArray();
    }

    private IDataShardGrain[] Shards(string run, string set, int count) =>
        Enumerable.Range(0, count).Select(i => GrainFactory.GetGrain<IDataShardGrain>($"{run}/{set}/{i}")).ToArray();

    private static (Vector Mean, Vector Scale) Scaling(ShardSummary[] summaries)
    {
        (long, double[], double[]) total = (0, [], []);
        foreach (var s in summaries)
            total = Standardizer.Merge(total, (s.Rows, s.Mean!.ToArray(), s.SquaredDeviations!.ToArray()));
        var scaler = Standardizer.FromMoments(total.Item1, total.Item2, total.Item3);
        return (Vector.Of(scaler.Mean), Vector.Of(scaler.Scale));
    }
}
