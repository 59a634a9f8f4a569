using System.IO.Compression;

namespace HyperIft.Data.Tests;

/// <summary>A folder of small files made by a test, deleted with it.</summary>
public sealed class TempFiles : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("hyperift-data-").FullName;

    public string Write(string name, string content)
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string name, byte[] content, bool gzip = false)
    {
        string path = Path.Combine(Root, name);
        using var file = File.Create(path);
        using Stream target = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        target.Write(content);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
