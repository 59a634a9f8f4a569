using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace HyperIft.Grains.Storage;

/// <summary>
/// Grain state as one file per grain in a folder, written atomically (temp file, then rename).
/// For a single machine or a shared volume: silos pointed at the same folder share their runs, so
/// a run survives the death of its silo without a database.
/// </summary>
internal sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = FileOf(folder, stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
            grainState.ETag = null; // the next write creates the record
            return;
        }
        var bytes = await File.ReadAllBytesAsync(path);
        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes));
        grainState.ETag = File.GetLastWriteTimeUtc(path).Ticks.ToString();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Directory.CreateDirectory(folder);
        string path = FileOf(folder, stateName, grainId);
        CheckETag(path, grainState.ETag, grainId);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, serializer.Serialize(grainState.State).ToArray());
        File.Move(temp, path, overwrite: true);
        grainState.ETag = File.GetLastWriteTimeUtc(path).Ticks.ToString();
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = FileOf(folder, stateName, grainId);
        CheckETag(path, grainState.ETag, grainId);
        File.Delete(path);
        grainState.RecordExists = false;
        grainState.ETag = null;
        return Task.CompletedTask;
    }

    /// <summary>
    /// As Orleans' own providers do: a write must name the version it read (none for a new record),
    /// so a stale activation, or a grain whose record was deleted under it, cannot overwrite silently.
    /// (Between silos of one machine; the check and the rename are not one atomic step.)
    /// </summary>
    private static void CheckETag(string path, string? expected, GrainId grainId)
    {
        string? stored = File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks.ToString() : null;
        if (stored != expected)
            throw new InconsistentStateException($"the stored state of {grainId} is at version {stored ?? "(none)"}, this write expected {expected ?? "(none)"}",
                stored ?? "", expected ?? "");
    }

    /// <summary>The file that holds a grain's state of this name.</summary>
    internal static string FileOf(string folder, string stateName, GrainId grainId)
    {
        // Grain keys hold '/' and other characters a file name may not: name the file by a hash.
        string key = $"{stateName}|{grainId}";
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return Path.Combine(folder, $"{stateName}-{hash}.bin");
    }
}
