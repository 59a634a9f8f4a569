using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace HyperIft.Grains.Storage;

/// <summary>
/// Grain state as one file per grain in a folder, written atomically (temp file, then rename).
/// For a single machine or a shared volume: silos pointed at the same folder share their runs, so
/// a run survives the death of its silo without a database.
/// </summary>
public sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
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
        string path = PathOf(stateName, grainId);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, serializer.Serialize(grainState.State).ToArray());
        File.Move(temp, path, overwrite: true);
        grainState.ETag = File.GetLastWriteTimeUtc(path).Ticks.ToString();
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        File.Delete(PathOf(stateName, grainId));
        grainState.RecordExists = false;
        grainState.ETag = null;
        return Task.CompletedTask;
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        // Grain keys hold '/' and other characters a file name may not: name the file by a hash.
        string key = $"{stateName}|{grainId}";
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return Path.Combine(folder, $"{stateName}-{hash}.bin");
    }
}
