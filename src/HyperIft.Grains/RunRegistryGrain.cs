using HyperIft.Abstractions;
using Microsoft.Extensions.Logging;

namespace HyperIft.Grains;

[GenerateSerializer]
internal sealed class RunRegistryState
{
    [Id(0)] public List<string> Active { get; set; } = [];

    /// <summary>Every remembered run in the order they started.</summary>
    [Id(1)] public List<string> All { get; set; } = [];

    [Id(2)] public Dictionary<string, RunSummary> Summaries { get; set; } = [];
}

/// <summary>The persisted list of runs (one grain, key 0).</summary>
internal sealed class RunRegistryGrain(
    [PersistentState("run-registry", HyperIftStorage.Name)] IPersistentState<RunRegistryState> state,
    ILogger<RunRegistryGrain> log) : Grain, IRunRegistryGrain
{
    private const int MaxRemembered = 10_000;

    public async Task Update(RunSummary run)
    {
        Apply(state.State, run);
        await state.WriteAsync(log, "the run registry", s => Apply(s, run));
    }

    public Task<string[]> Active() => Task.FromResult(state.State.Active.ToArray());

    public Task<RunSummary[]> List() =>
        Task.FromResult(state.State.All.Select(id => state.State.Summaries.GetValueOrDefault(id)
            ?? new RunSummary(id, RunStatus.Created, null, 0, 0, null, null, 0, "", default)).ToArray());

    private static void Apply(RunRegistryState s, RunSummary run)
    {
        // A run that ended stays ended: a late or stale report of it running must not revive it.
        if (s.Summaries.TryGetValue(run.RunId, out var known) && RunClient.IsFinished(known.Status) && !RunClient.IsFinished(run.Status))
            return;
        bool active = run.Status is RunStatus.Running or RunStatus.Paused;
        if (active && !s.Active.Contains(run.RunId)) s.Active.Add(run.RunId);
        if (!active) s.Active.Remove(run.RunId);
        if (!s.All.Contains(run.RunId)) s.All.Add(run.RunId);
        s.Summaries[run.RunId] = run;
        while (s.All.Count > MaxRemembered)
        {
            s.Summaries.Remove(s.All[0]);
            s.All.RemoveAt(0);
        }
    }
}
