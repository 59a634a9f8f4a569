using System.Diagnostics;
using HyperIft.Abstractions;
using HyperIft.Numerics;
using HyperIft.Numerics.Optimization;
using HyperIft.Numerics.Solvers;
using Microsoft.Extensions.Logging;

namespace HyperIft.Grains;

/// <summary>
/// Owns one tuning run. A grain timer drives the outer loop — one hypergradient from the
/// coordinator, one optimizer step, one persisted state — so the run goes on without its client.
/// The timer interleaves, so status calls are answered while a step computes. When its silo dies,
/// a <see cref="RunKeeper"/> on another silo pings it; the new activation reads the last persisted
/// step and repeats the next one with the same inputs, hence the same result.
/// </summary>
internal sealed class TunerGrain(
    [PersistentState("tuner", HyperIftStorage.Name)] IPersistentState<TunerState> state,
    ILocalSiloDetails silo,
    ILogger<TunerGrain> log) : VectorPeerGrain, ITunerGrain
{
    private const int MaxConsecutiveFailures = 30;
    private readonly SemaphoreSlim _writes = new(1, 1); // one write at a time: a pause or cancel never writes while a step's write is in flight
    private IGrainTimer? _timer;
    private bool _busy;
    private RunStatus? _registered; // the status the registry last heard of from this activation
    private int _failures;

    private TunerState S => state.State;
    private string RunId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken ct)
    {
        if (S.Status == RunStatus.Running)
        {
            S.Recoveries++;
            log.LogWarning("Run {Run} resumes at step {Step} after a new activation", RunId, S.Step);
            StartTimer();
        }
        return Task.CompletedTask;
    }

    public async Task<ProblemInfo> Prepare(RunSpec spec)
    {
        if (RunIds.Problem(RunId) is { } badId) throw new ProblemInputException(badId);
        if (S.Status is not RunStatus.Created)
            throw new ProblemInputException($"run '{RunId}' already exists ({S.Status}); choose another run id");
        if (spec.Outer.Problem() is { } badOuter) throw new ProblemInputException(badOuter);
        // A silo that dies while the shards are being opened is ridden out: Configure starts afresh.
        var info = await TransientFailures.Retry(() => Coordinator.Configure(spec.Problem), TransientFailures.ConfigurePatience);
        // Before any step, not after the first inner solve.
        if (spec.Solver.Problem(info.ParameterCount, info.Features) is { } badSettings) throw new ProblemInputException(badSettings);
        // A prepared run can still be started after this activation is gone. A Prepare sent again after a gateway
        // died may reach a second activation of the run (the directory entry died with the silo) after the first
        // one wrote: a record still only prepared is the same run's, and is prepared again.
        await Commit(() => (S.Spec, S.Info) = (spec, info), replayOnto: RunStatus.Created);
        return info;
    }

    public async Task Start(Vector initialLambda)
    {
        if (S.Spec is null || S.Info is null) throw new ProblemInputException($"run '{RunId}' is not prepared");
        if (S.Status is not RunStatus.Created) throw new ProblemInputException($"run '{RunId}' has already started ({S.Status})");
        var lambda = Mailbox.Open(initialLambda);
        if (lambda.Length != S.Info.HyperCount)
            throw new ProblemInputException($"λ has {lambda.Length} entries; {S.Info.Hyper} needs {S.Info.HyperCount}");
        if (!Vec.AllFinite(lambda)) throw new ProblemInputException("λ has a NaN or infinite entry");
        string? traceParent;
        using (var run = HyperIftTelemetry.Source.StartActivity("hyperift.run"))
        {
            run?.SetTag("run", RunId);
            run?.SetTag("model", S.Info.Model);
            run?.SetTag("hyper", S.Info.Hyper);
            traceParent = run?.Id;
        }
        var tuning = TuningState.Start(lambda);
        bool held = S.Info.LambdaOnShards;
        if (held)
        {
            // One λ per row: the shards keep and update their rows' entries; this state keeps the step.
            await WithCoordinator(async c => await c.HoldLambda(await VectorTransfer.Send(c, lambda)));
            tuning = new TuningState(0, [], OptimizerState.Initial(0), null);
        }
        // As Prepare: a record another activation prepared (and did not start) takes this start.
        await Commit(() => (S.Tuning, S.Status, S.TraceParent, S.LambdaOnShards) = (tuning, RunStatus.Running, traceParent, held),
            replayOnto: RunStatus.Created);
        StartTimer();
    }

    public async Task Pause()
    {
        if (S.Status == RunStatus.Paused) return; // idempotent: a retried pause whose first reply was lost
        if (S.Status != RunStatus.Running) throw new ProblemInputException($"run '{RunId}' is {S.Status}, not running");
        await Commit(() => S.Status = RunStatus.Paused);
    }

    public async Task Resume()
    {
        if (S.Status == RunStatus.Running) return; // idempotent, as pause
        if (S.Status != RunStatus.Paused) throw new ProblemInputException($"run '{RunId}' is {S.Status}, not paused");
        await Commit(() => S.Status = RunStatus.Running);
        StartTimer();
    }

    public async Task Cancel(string reason)
    {
        if (S.Spec is null) throw new ProblemInputException($"no run '{RunId}'");
        if (RunClient.IsFinished(S.Status)) return;
        // A cancelled run's λ is its result: home from the shards if they give it soon, so that reading it
        // later needs neither the shards nor their data files.
        int step = S.Step;
        var home = S.LambdaOnShards ? await TryGatherLambda() : null;
        bool broughtHome = false;
        await Commit(() =>
        {
            (S.Status, S.Reason) = (RunStatus.Cancelled, $"{reason} after step {S.Step} of {S.Spec.Outer.Steps}");
            broughtHome = BringHome(home, step);
        });
        if (broughtHome) await ForgetHeldLambda();
    }

    /// <summary>
    /// Makes a gathered λ the run's own (the shards' records can go) if no step was recorded while the shards
    /// were asked: else λ stays where the newer step is.
    /// </summary>
    private bool BringHome(double[]? home, int gatheredAt)
    {
        if (home is null || S.Step != gatheredAt || !S.LambdaOnShards) return false;
        (S.Tuning, S.LambdaOnShards) = (S.Tuning! with { Lambda = home }, false);
        return true;
    }

    public Task<RunSnapshot> Status(int historyFrom)
    {
        if (S.Spec is null) throw new ProblemInputException($"no run '{RunId}'");
        var history = S.History.Skip(Math.Max(0, historyFrom)).ToList();
        return Task.FromResult(new RunSnapshot(RunId, S.Status, S.Reason, S.Step, S.Spec.Outer.Steps, S.Info, history,
            silo.SiloAddress.ToString(), S.Recoveries));
    }

    public async Task<Vector> Lambda()
    {
        if (S.Spec is null) throw new ProblemInputException($"no run '{RunId}'");
        for (int attempt = 0; ; attempt++)
        {
            if (!S.LambdaOnShards) return Mailbox.Post(S.Lambda);
            int step = S.Step;
            try
            {
                return Mailbox.Post(await GatherLambda());
            }
            catch (ComputationFailedException) when (S.Step != step && attempt < 3)
            {
                // The run took a step while the shards were asked (they had moved on): ask at the new step.
            }
        }
    }

    public Task<HypergradientReply?> FinalEvaluation() =>
        Task.FromResult(S.Final is null ? null : S.Final with
        {
            Hypergradient = Mailbox.Post(S.FinalHypergradient!),
            Theta = S.FinalTheta is null ? Vector.Empty : Mailbox.Post(S.FinalTheta),
        });

    public Task Ping() => TellRegistry();

    private ICoordinatorGrain Coordinator => GrainFactory.GetGrain<ICoordinatorGrain>(RunId);
    private IRunRegistryGrain Registry => GrainFactory.GetGrain<IRunRegistryGrain>(0);

    private void StartTimer()
    {
        HyperIftTelemetry.RunActive(RunId, true);
        _timer ??= this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(100))
        {
            Interleave = true, // status calls are served while a step computes
            KeepAlive = true,
        });
    }

    private async Task Tick(CancellationToken ct)
    {
        if (_busy) return;
        if (S.Status != RunStatus.Running)
        {
            StopTimer();
            return;
        }
        _busy = true;
        try
        {
            if (S.Step < S.Spec!.Outer.Steps) await OuterStep();
            else await Finish();
            _failures = 0;
        }
        catch (Exception e) when (e is ProblemInputException or ComputationFailedException or SolverException)
        {
            await Fail(e.Message);
        }
        catch (StateConflictException)
        {
            // This activation is stale and stepped aside in Persist; nothing to retry here.
        }
        catch (Exception e)
        {
            // A silo died or a message was lost: the persisted state is unchanged, so the next tick repeats the step.
            _failures++;
            log.LogWarning("Run {Run} step {Step} failed ({Error}); retrying ({Failures}/{Max})",
                RunId, S.Step, e.Message, _failures, MaxConsecutiveFailures);
            if (_failures >= MaxConsecutiveFailures) await Fail($"step {S.Step} failed {_failures} times: {e.Message}");
            else await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, _failures)), ct);
        }
        finally
        {
            _busy = false;
        }
    }

    private Activity? StepActivity(string name)
    {
        var parent = S.TraceParent is not null && ActivityContext.TryParse(S.TraceParent, null, out var context) ? context : default;
        var activity = HyperIftTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent);
        activity?.SetTag("run", RunId);
        activity?.SetTag("step", S.Step);
        return activity;
    }

    /// <summary>One step of the library's outer loop, with hypergradients from the coordinator; then the state is persisted.</summary>
    private async Task OuterStep()
    {
        using var activity = StepActivity("hyperift.outer_step");
        var (next, record) = S.LambdaOnShards
            ? await S.Spec!.Loop().StepHeld(FromShards, S.Tuning!)
            : await Unheld();
        if (S.Status == RunStatus.Cancelled) return; // cancelled while this step computed: the reported step stays final
        var before = S.Tuning;
        S.History.Add(record);
        S.Tuning = next;
        try
        {
            await Persist();
        }
        catch (Exception e) when (e is not StateConflictException)
        {
            // Memory must not run ahead of storage: the shards take a held λ on only from steps the run recorded.
            S.History.RemoveAt(S.History.Count - 1);
            S.Tuning = before;
            throw;
        }
        HyperIftTelemetry.RecordStep(RunId, record.ValidationLoss, record.HypergradientNorm);
        activity?.SetTag("validation_loss", record.ValidationLoss);

        async Task<(TuningState, StepRecord)> Unheld()
        {
            var (state, stepRecord, _) = await S.Spec!.Loop().Step(FromCoordinator(_ => { }), S.Tuning!);
            return (state, stepRecord);
        }
    }

    private async Task Finish()
    {
        using var activity = StepActivity("hyperift.final_evaluation");
        HypergradientReply? reply = null;
        // The final λ comes home once: it is the run's result, and the final evaluation's dg/dλ is over all of it.
        bool held = S.LambdaOnShards;
        var before = S.Tuning!;
        var tuning = held ? before with { Lambda = await GatherLambda() } : before;
        var result = await S.Spec!.Loop().Evaluate(FromCoordinator(r => reply = r), tuning);
        if (S.Status == RunStatus.Cancelled) return;
        (S.Tuning, S.LambdaOnShards, S.FinalHypergradient, S.FinalTheta, S.Status) =
            (tuning, false, result.Hypergradient, result.Theta, RunStatus.Completed);
        S.Final = reply! with { Hypergradient = Vector.Empty, Theta = Vector.Empty, V = Vector.Empty };
        try
        {
            await Persist();
        }
        catch (Exception e) when (e is not StateConflictException)
        {
            (S.Tuning, S.LambdaOnShards, S.FinalHypergradient, S.FinalTheta, S.Final, S.Status) = (before, held, null, null, null, RunStatus.Running);
            throw;
        }
        log.LogInformation("Run {Run} completed: validation loss {Loss}", RunId, result.ValidationLoss);
        if (held) await ForgetHeldLambda();
    }

    /// <summary>The shards' stored slices (32 bytes a row) are not needed once λ is home; a failure here only leaves them.</summary>
    private async Task ForgetHeldLambda()
    {
        try
        {
            await WithCoordinator(c => c.ForgetHeldLambda());
        }
        catch (Exception e)
        {
            log.LogWarning("Run {Run}: the shards' stored λ was not cleared ({Error})", RunId, e.Message);
        }
    }

    /// <summary>λ from the shards, or null (logged) when they do not give it within half a minute.</summary>
    private async Task<double[]?> TryGatherLambda()
    {
        try
        {
            return await GatherLambda().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e)
        {
            log.LogWarning("Run {Run}: λ stays on the shards ({Error})", RunId, e.Message);
            return null;
        }
    }

    private async Task Fail(string reason)
    {
        if (RunClient.IsFinished(S.Status)) return; // cancelled (or ended) while the failing step ran: that stays the run's end
        log.LogError("Run {Run} failed at step {Step}: {Reason}", RunId, S.Step, reason);
        // As a cancelled run's: a failed run's λ (its last recorded step) is worth keeping without the shards.
        int step = S.Step;
        var home = S.LambdaOnShards ? await TryGatherLambda() : null;
        if (RunClient.IsFinished(S.Status)) return; // cancelled while λ was gathered
        bool broughtHome = false;
        await Commit(() =>
        {
            (S.Status, S.Reason) = (RunStatus.Failed, reason);
            broughtHome = BringHome(home, step);
        });
        if (broughtHome) await ForgetHeldLambda();
    }

    /// <summary>
    /// Hypergradients computed by the run's coordinator, as the library's <see cref="HypergradientSource"/>;
    /// <paramref name="onReply"/> sees each reply.
    /// </summary>
    private HypergradientSource FromCoordinator(Action<HypergradientReply> onReply) => (solves, lambda, warm, ct) =>
        new(WithCoordinator(async coordinator =>
        {
            var (theta, v) = await SendWarm(coordinator, warm);
            var request = new HypergradientRequest(await VectorTransfer.Send(coordinator, lambda), solves, theta, v);
            var reply = await coordinator.Hypergradient(request);
            onReply(reply);
            return await reply.Fetch(coordinator);
        }));

    /// <summary>A step of a λ held by the shards: they record their parts of dg/dλ; the reply carries its summary.</summary>
    private ValueTask<(HypergradientResult, SliceSummary)> FromShards(SolverSettings solves, int step, WarmStart? warm, CancellationToken ct) =>
        new(WithCoordinator(async coordinator =>
        {
            var (theta, v) = await SendWarm(coordinator, warm);
            var request = new HeldStepRequest(HeldStep(step), solves, theta, v);
            var reply = await coordinator.HeldStep(request);
            return (await reply.Reply.Fetch(coordinator), reply.Slices);
        }));

    /// <summary>The warm θ and v, sent ahead to the coordinator (null where there is none).</summary>
    private static async Task<(Vector? Theta, Vector? V)> SendWarm(ICoordinatorGrain coordinator, WarmStart? warm) =>
        (warm?.Theta is { } theta ? await VectorTransfer.Send(coordinator, theta) : null,
         warm?.V is { } v ? await VectorTransfer.Send(coordinator, v) : null);

    private HeldLambdaStep HeldStep(int step) => new(step, S.Spec!.Outer.Optimizer, S.Spec.Outer.LearningRate);

    private Task<double[]> GatherLambda() =>
        WithCoordinator(async c => await VectorTransfer.Fetch(c, await c.HeldLambda(HeldStep(S.Step))));

    /// <summary>A call to the run's coordinator, configured again first if it lost its setup (a new activation).</summary>
    private async Task<T> WithCoordinator<T>(Func<ICoordinatorGrain, Task<T>> call)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await call(Coordinator);
            }
            catch (CoordinatorNotConfiguredException) when (attempt < 2)
            {
                await Coordinator.Configure(S.Spec!.Problem);
            }
        }
    }

    private Task WithCoordinator(Func<ICoordinatorGrain, Task> call) => WithCoordinator(async c =>
    {
        await call(c);
        return true;
    });

    /// <summary>
    /// A change of status made by a call (prepare, start, pause, resume, cancel): applied, then persisted; if
    /// the write fails the change is undone, so memory never claims what storage does not hold. If another
    /// activation wrote the record meanwhile and left it in status <paramref name="replayOnto"/>, the change is
    /// applied to that record instead; otherwise this activation is stale (<see cref="StateConflictException"/>).
    /// </summary>
    private async Task Commit(Action change, RunStatus? replayOnto = null)
    {
        var before = (S.Status, S.Reason, S.Tuning, S.TraceParent, S.LambdaOnShards);
        change();
        try
        {
            await Persist(replayOnto is { } status ? stored =>
            {
                if (stored.Status != status)
                    throw new StateConflictException($"the stored state of run {RunId} was changed by another writer (to {stored.Status})");
                change(); // S is the stored record now
            } : null);
        }
        catch (Exception e) when (e is not StateConflictException) // after a conflict the state in memory is the other writer's
        {
            (S.Status, S.Reason, S.Tuning, S.TraceParent, S.LambdaOnShards) = before;
            throw;
        }
    }

    /// <summary>
    /// Writes the run's state, one write at a time, and tells the registry when the status changed.
    /// <paramref name="replay"/> re-applies the change to a record another writer changed (see <see cref="StateWrites"/>).
    /// </summary>
    private async Task Persist(Action<TunerState>? replay = null)
    {
        await _writes.WaitAsync();
        try
        {
            S.UpdatedUtc = DateTime.UtcNow;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await state.WriteAsync(log, $"run {RunId}", replay);
            // λ and the optimizer's moments are written every step: what that costs is worth seeing.
            HyperIftTelemetry.StateWrite.Record(clock.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("grain", "tuner"));
            log.LogInformation("Run {Run}: state written in {Milliseconds:F1} ms ({Lambda})", RunId, clock.Elapsed.TotalMilliseconds,
                S.LambdaOnShards ? "λ held by the shards" : $"{S.Lambda.Length} λ entries");
        }
        catch (StateConflictException e)
        {
            // Another activation of this run wrote its state: this one is stale, so it stops stepping
            // and leaves; the next call activates the run afresh from storage.
            log.LogWarning("Run {Run}: {Error}; this activation stops", RunId, e.Message);
            StopTimer();
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writes.Release();
        }
        await TellRegistry();
    }

    /// <summary>
    /// The registry hears of every change of status. A failure here must not fail the step (the run's
    /// own state is written); the keeper's next ping tries again.
    /// </summary>
    private async Task TellRegistry()
    {
        if (S.Spec is null || S.Status == RunStatus.Created || S.Status == _registered) return; // a run is listed once started
        try
        {
            var status = S.Status;
            await Registry.Update(Summary());
            _registered = status;
        }
        catch (Exception e)
        {
            log.LogWarning("Run {Run}: the registry did not take its status {Status} ({Error}); retrying later", RunId, S.Status, e.Message);
        }
    }

    private RunSummary Summary() => new(RunId, S.Status, S.Reason, S.Step, S.Spec?.Outer.Steps ?? 0, S.Info?.Model,
        S.Info?.Hyper, S.Info?.HyperCount ?? 0, silo.SiloAddress.ToString(), S.UpdatedUtc);

    private void StopTimer()
    {
        HyperIftTelemetry.RunActive(RunId, false);
        _timer?.Dispose();
        _timer = null;
    }
}
