using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace HyperIft.Grains;

/// <summary>
/// Writing grain state when storage may have changed under the grain. Storage that lost the record
/// (a Redis restarted without its data) gets the active grain's state back instead of failing every
/// write with a version conflict forever; a record another writer changed is re-read and the change
/// applied again, or, when the change cannot be replayed, reported as <see cref="StateConflictException"/>.
/// </summary>
internal static class StateWrites
{
    public static async Task WriteAsync<T>(this IPersistentState<T> state, ILogger log, string owner, Action<T>? replay = null)
    {
        try
        {
            await state.WriteStateAsync();
            return;
        }
        catch (InconsistentStateException)
        {
            var mine = state.State;
            await state.ReadStateAsync();
            if (!state.RecordExists)
            {
                log.LogWarning("The stored state of {Owner} vanished (storage lost its data?); writing it back from memory", owner);
                state.State = mine;
            }
            else if (replay is not null)
                replay(state.State);
            else
                throw new StateConflictException($"the stored state of {owner} was changed by another writer");
        }
        await state.WriteStateAsync();
    }
}

/// <summary>Another activation wrote this grain's state: this one is stale and must not overwrite it.</summary>
[GenerateSerializer]
internal sealed class StateConflictException(string message) : Exception(message);
