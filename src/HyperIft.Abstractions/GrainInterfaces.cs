using HyperIft.Data;
using HyperIft.Numerics.Optimization;
using Orleans.Concurrency;

namespace HyperIft.Abstractions;

/// <summary>
/// Rows [start, start+count) of one data set of one run, keyed "{run}/{train|val}/{index}". It rebuilds
/// its rows from the descriptor on any silo and keeps the per-row values of the last point, so an
/// HVP sends only v. Every product names the point it expects; a shard that lost it says so.
/// </summary>
public interface IDataShardGrain : IGrainWithStringKey, IVectorPeer
{
    /// <summary>Rows and features of a whole data set (read once per silo and cached).</summary>
    Task<(int Rows, int Features)> Measure(DataSpec data);

    /// <summary>Loads (or keeps) the rows of the descriptor; with a model, checks every label against it.</summary>
    Task<ShardSummary> Open(ShardDescriptor descriptor, bool moments);

    /// <summary>The silo this shard is on (the coordinator balances a run's shards when silos join or leave).</summary>
    Task<SiloAddress> Host();

    /// <summary>Migrates to <paramref name="to"/> once idle (Orleans' grain migration); the caller then opens it there again.</summary>
    Task Leave(SiloAddress to);

    /// <summary>
    /// Makes (θ, this shard's slice of λ) the point of the products that follow. The slice (row weights, or
    /// what a data kind builds the rows from) is sent only when it changed (<paramref name="rowLambda"/> non-empty,
    /// tagged <paramref name="rowLambdaVersion"/>); otherwise the shard uses the slice of that version it keeps,
    /// or says it lost it. Version 0: the kind gives shards no part of λ. With <paramref name="held"/>, the
    /// shard uses its own slice of a held λ at that step instead (<see cref="HoldLambda"/>).
    /// </summary>
    Task<LossGradMessage> SetPoint(long point, Vector theta, long rowLambdaVersion, Vector rowLambda, HeldLambdaStep? held = null);

    /// <summary>
    /// Makes this shard the keeper of its rows' slice of λ for a run (example weights): persisted at step 0
    /// with its optimizer state, advanced by the shard itself from then on.
    /// </summary>
    Task HoldLambda(Vector slice);

    /// <summary>
    /// The shard's part of dg/dλ at the held step of the point, from v and the n rows f averages over: recorded
    /// (persisted) with its slice before the reply, so a recorded step can be taken on from here. Returns the
    /// slice's summary; dg/dλ never leaves the shard.
    /// </summary>
    Task<SliceSummary> HeldHypergradient(long point, Vector v, int rows);

    /// <summary>The shard's slice of the held λ at a step (the run's λ gathered once, at its end or on request); needs no rows.</summary>
    Task<Vector> HeldLambda(HeldLambdaStep at);

    /// <summary>Clears the stored slice of a held λ once the run has it home (its final λ is the tuner's).</summary>
    Task ForgetLambda();
    Task<Vector> Hvp(long point, Vector v);
    Task<Vector> HessianDiagonal(long point);
    Task<Vector> RowGradientDot(long point, Vector v);

    /// <summary>The shard's part of (∂²f/∂λ∂θ)ᵀ v over its slice of λ, before the 1/N, for a kind that makes the inputs (SPEC §8).</summary>
    Task<Vector> InputCross(long point, Vector v);

    /// <summary>XᵀX of the shard's rows (features × features), for the Kronecker preconditioner; needs no point.</summary>
    Task<Vector> Gram();

    /// <summary>Σ c_i Π_i at the point (outputs × outputs), for the Kronecker preconditioner.</summary>
    Task<Vector> OutputCurvature(long point);

    /// <summary>Unweighted loss and gradient at θ (validation), leaving the point alone.</summary>
    Task<LossGradMessage> Evaluate(Vector theta);

    /// <summary>The labels of the shard's rows, as read.</summary>
    Task<Vector> Labels();
}

/// <summary>
/// The problem of one run, keyed by run id: opens the shards, runs the inner solve and the
/// distributed CG through the shared numerical code, and caches warm starts.
/// </summary>
public interface ICoordinatorGrain : IGrainWithStringKey, IVectorPeer
{
    Task<ProblemInfo> Configure(ProblemSpec problem);

    /// <remarks>
    /// One hypergradient of a large network can take longer than the default 10-minute response
    /// timeout; a dead silo is still noticed by membership, and the caller cancels by its token.
    /// </remarks>
    [ResponseTimeout("1.00:00:00")]
    Task<HypergradientReply> Hypergradient(HypergradientRequest request);

    /// <summary>Hands every training shard its rows' slice of λ to keep (a kind of one λ per row: <see cref="ProblemInfo.LambdaOnShards"/>).</summary>
    Task HoldLambda(Vector lambda);

    /// <summary>One outer step of a held λ: the hypergradient at its step, kept by the shards, summarized.</summary>
    [ResponseTimeout("1.00:00:00")]
    Task<HeldStepReply> HeldStep(HeldStepRequest request);

    /// <summary>The held λ at a step, gathered from the shards in row order.</summary>
    /// <remarks>Interleaved: asked while a step computes (a client following a run), it only reads the shards' slices.</remarks>
    [AlwaysInterleave]
    Task<Vector> HeldLambda(HeldLambdaStep at);

    /// <summary>Has the training shards clear their stored slices of a held λ (the run has its final λ home).</summary>
    Task ForgetHeldLambda();

    /// <summary>The standardization fitted on the training shards (null without --standardize), for scoring a test set alike.</summary>
    Task<Standardization?> Standardization();

    /// <summary>Every training row's label, in row order (for reports by row: clean, influence).</summary>
    Task<Vector> TrainLabels();
}

/// <summary>
/// Owns a tuning run, keyed by run id: persists its spec, λ, optimizer state and history after
/// every outer step and drives the loop itself, so the run outlives its client and its silo.
/// </summary>
public interface ITunerGrain : IGrainWithStringKey, IVectorPeer
{
    /// <summary>Records the spec and configures the problem; returns its sizes (λ's length among them).</summary>
    Task<ProblemInfo> Prepare(RunSpec spec);

    Task Start(Vector initialLambda);
    Task Pause();
    Task Resume();
    /// <summary>Ends the run at its last completed step; a step in flight is discarded. The reason is kept with the run.</summary>
    Task Cancel(string reason);

    /// <summary>Status, with the history from step <paramref name="historyFrom"/> on.</summary>
    /// <remarks>Answered from memory: a short timeout lets a poll that met a dying silo retry in seconds.</remarks>
    [ResponseTimeout("00:00:05")]
    Task<RunSnapshot> Status(int historyFrom);

    /// <summary>The current λ (final once the run has completed).</summary>
    /// <remarks>Interleaved: while λ is on the shards it is gathered from them, which must not hold up Status, Pause or Cancel.</remarks>
    [AlwaysInterleave]
    Task<Vector> Lambda();

    /// <summary>The hypergradient (and θ*) at the final λ, once the run has completed.</summary>
    Task<HypergradientReply?> FinalEvaluation();

    /// <summary>Wakes the grain (and so its loop) after its silo died.</summary>
    Task Ping();
}

/// <summary>The persisted list of runs, so that every silo's keeper can wake the active ones.</summary>
public interface IRunRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a run's summary; a run whose status is final leaves the active list.</summary>
    [ResponseTimeout("00:00:10")]
    Task Update(RunSummary run);

    [ResponseTimeout("00:00:10")]
    Task<string[]> Active();

    /// <summary>Every remembered run, oldest first.</summary>
    [ResponseTimeout("00:00:10")]
    Task<RunSummary[]> List();
}
