using HyperIft.Numerics.Optimization;
namespace HyperIft.Abstractions;

/// <summary>The client side of a run: start it, follow it, collect its results.</summary>
public static class RunClient
{
    /// <summary>Prepares the run, computes the starting λ from the problem's sizes, and starts it.</summary>
    public static Task<ProblemInfo> Start(IGrainFactory grains, string runId, RunSpec spec, Func<ProblemInfo, double[]> initialLambda) =>
        Start(grains, runId, spec, info => Task.FromResult(initialLambda(info)));

    /// <summary>
    /// As above; <paramref name="initialLambda"/> may also check, with the problem's sizes known, what
    /// must hold before the first step. Cancelled before the start, the run stays prepared only, never
    /// running unseen. A gateway that dies under Prepare or Start (<paramref name="gatewayLost"/>, see
    /// <see cref="TransientFailures.Resend"/>) has the call sent again: Prepare may be repeated until the run starts,
    /// and a Start whose answer was lost is found out by the run's status.
    /// </summary>
    public static async Task<ProblemInfo> Start(IGrainFactory grains, string runId, RunSpec spec, Func<ProblemInfo, Task<double[]>> initialLambda,
        CancellationToken ct = default, Func<CancellationToken>? gatewayLost = null)
    {
        var tuner = grains.GetGrain<ITunerGrain>(runId);
        var info = await TransientFailures.Resend(() => tuner.Prepare(spec), gatewayLost, TransientFailures.ResendPatience, ct);
        var initial = await initialLambda(info);
        ct.ThrowIfCancellationRequested();
        int attempts = 0;
        await TransientFailures.Resend(async () =>
        {
            bool again = attempts++ > 0;
            try
            {
                await tuner.Start(await VectorTransfer.Send(tuner, initial));
            }
            catch (Exception) when (again)
            {
                // Refused, sent again: the first Start may have taken, and only its answer was lost with the gateway.
                if ((await tuner.Status(0)).Status == RunStatus.Created) throw;
            }
            return true;
        }, gatewayLost, TransientFailures.ResendPatience, ct);
        return info;
    }

    public static bool IsFinished(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>
    /// Polls until the run finishes, reporting each snapshot that brings new steps or a new silo;
    /// returns the final snapshot. A silo dying under the run is ridden out: the run resumes
    /// elsewhere, and polling goes on for up to <paramref name="patience"/> of failed calls.
    /// </summary>
    public static async Task<RunSnapshot> Follow(IGrainFactory grains, string runId, Action<RunSnapshot>? onProgress = null,
        TimeSpan? pollInterval = null, TimeSpan? patience = null, CancellationToken ct = default)
    {
        var tuner = grains.GetGrain<ITunerGrain>(runId);
        var history = new List<StepRecord>();
        string? silo = null;
        DateTime? failingSince = null;
        while (true)
        {
            RunSnapshot snapshot;
            try
            {
                snapshot = await tuner.Status(history.Count);
                failingSince = null;
            }
            catch (Exception e) when (TransientFailures.IsTransient(e) && !ct.IsCancellationRequested)
            {
                failingSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - failingSince > (patience ?? TimeSpan.FromMinutes(3))) throw;
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            history.AddRange(snapshot.History);
            var full = snapshot with { History = history.ToList() };
            if (snapshot.History.Count > 0 || snapshot.Silo != silo || IsFinished(snapshot.Status)) onProgress?.Invoke(full);
            silo = snapshot.Silo;
            if (IsFinished(snapshot.Status)) return full;
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(250), ct);
        }
    }

    public static async Task<double[]> Lambda(IGrainFactory grains, string runId)
    {
        var tuner = grains.GetGrain<ITunerGrain>(runId);
        return await VectorTransfer.Fetch(tuner, await tuner.Lambda());
    }

    /// <summary>The hypergradient at the final λ and θ* there, or null before completion.</summary>
    public static async Task<FinalEvaluation?> FinalEvaluation(IGrainFactory grains, string runId)
    {
        var tuner = grains.GetGrain<ITunerGrain>(runId);
        var reply = await tuner.FinalEvaluation();
        if (reply is null) return null;
        var hypergradient = await VectorTransfer.Fetch(tuner, reply.Hypergradient);
        return new FinalEvaluation(reply, hypergradient, await VectorTransfer.Fetch(tuner, reply.Theta));
    }
}

/// <summary>A completed run's final hypergradient, with its values and θ*(λ_final).</summary>
public sealed record FinalEvaluation(HypergradientReply Reply, double[] Hypergradient, double[] Theta);

