using System.IO.Compression;

namespace HyperIft.Data;

/// <summary>Opens a data file, gzip or plain, turning a missing or unreadable file into a clear message.</summary>
internal static class TextFile
{
    public static Stream Open(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, 0, "is a directory, not a data file");
        if (!File.Exists(path)) throw new DataFormatException(path, 0, "file not found");
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, 0, $"cannot be read ({e.Message})");
        }
        // gzip by its magic bytes, whatever the file is called
        int b0 = stream.ReadByte(), b1 = stream.ReadByte();
        stream.Position = 0;
        return b0 == 0x1f && b1 == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    public static IEnumerable<(string Text, int Line)> Lines(string path)
    {
        using var reader = new StreamReader(Open(path));
        int number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            yield return (text, number);
        }
    }
}
