using HyperIft.Abstractions;

namespace HyperIft.Grains;

[GenerateSerializer]
public sealed class RunRegistryState
{
    [Id(0)] public List<string> Active { get; set; } = [];
    [Id(1)] public List<string> All { get; set; } = [];
}

/// <summary>The persisted list of runs (one grain, key 0).</summary>
public sealed class RunRegistryGrain(
    [PersistentState("registry", HyperIftStorage.Name)] IPersistentState<RunRegistryState> state) : Grain, IRunRegistryGrain
{
    private const int MaxRemembered = 10_000;

    public async Task Add(string runId)
    {
        if (!state.State.Active.Contains(runId)) state.State.Active.Add(runId);
        if (!state.State.All.Contains(runId)) state.State.All.Add(runId);
        if (state.State.All.Count > MaxRemembered) state.State.All.RemoveAt(0);
        await state.WriteStateAsync();
    }

    public async Task Finish(string runId)
    {
        if (state.State.Active.Remove(runId)) await state.WriteStateAsync();
    }

    public Task<string[]> Active() => Task.FromResult(state.State.Active.ToArray());

    public Task<string[]> All() => Task.FromResult(state.State.All.ToArray());
}
