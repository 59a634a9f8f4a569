using System.IO.Compression;

namespace HyperIft.Tests;

/// <summary>A folder of files made by a test, deleted with it.</summary>
public sealed class TempFolder(string prefix = "hyperift-") : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The path of <paramref name="name"/> in the folder; nothing is created.</summary>
    public string PathOf(string name) => Path.Combine(Root, name);

    public string Write(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string name, byte[] content, bool gzip = false)
    {
        string path = PathOf(name);
        using var file = File.Create(path);
        using Stream target = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        target.Write(content);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>A test class each of whose tests gets a fresh <see cref="TempFolder"/>, deleted when the test ends.</summary>
public abstract class TempFolderTests : IDisposable
{
    protected TempFolder Temp { get; }

    protected TempFolderTests() => Temp = new TempFolder($"hyperift-{GetType().Name}-");

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
