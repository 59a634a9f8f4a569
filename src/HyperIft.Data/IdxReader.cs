using System.Buffers.Binary;

namespace HyperIft.Data;

/// <summary>
/// IDX files (the MNIST format), gzip or raw: an unsigned-byte image file (magic 0x803) and an
/// unsigned-byte label file (magic 0x801). Pixels are scaled to [0, 1]. With a window, the items
/// before it are skipped and those after it are not read.
/// </summary>
internal static class IdxReader
{
    public static Dataset Read(string imagesPath, string labelsPath, RowWindow? window = null)
    {
        var (count, features) = Measure(imagesPath, labelsPath);
        var w = window ?? new RowWindow(0, count);
        if (w.Start < 0 || w.End > count)
            throw new DataFormatException(imagesPath, 0, $"items [{w.Start}, {w.End}) are outside its {count} items");

        var pixels = ReadItems(imagesPath, rank: 3, w, features);
        var labels = ReadItems(labelsPath, rank: 1, w, 1);
        var x = new double[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) x[i] = pixels[i] / 255.0;
        var y = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++) y[i] = labels[i];
        return new Dataset(imagesPath, features, x, y, lines: null, labelSource: labelsPath, firstItem: w.Start);
    }

    /// <summary>Items and features from the two headers, checking that they agree.</summary>
    public static (int Items, int Features) Measure(string imagesPath, string labelsPath)
    {
        var imageDims = Header(imagesPath, expectedRank: 3);
        var labelDims = Header(labelsPath, expectedRank: 1);
        if (imageDims[0] != labelDims[0])
            throw new DataFormatException(labelsPath, 0, $"has {labelDims[0]} labels for the {imageDims[0]} images of {imagesPath}");
        long features = (long)imageDims[1] * imageDims[2];
        if (features * imageDims[0] > int.MaxValue) throw new DataFormatException(imagesPath, 0, "is too large");
        return (imageDims[0], (int)features);
    }

    private static int[] Header(string path, int expectedRank)
    {
        using var stream = TextFile.Open(path);
        return ReadHeader(stream, path, expectedRank);
    }

    private static byte[] ReadItems(string path, int rank, RowWindow window, int itemBytes)
    {
        using var stream = TextFile.Open(path);
        ReadHeader(stream, path, rank);
        Skip(stream, (long)window.Start * itemBytes, path);
        var data = new byte[(long)window.Count * itemBytes];
        ReadExactly(stream, data, path, "data");
        return data;
    }

    private static int[] ReadHeader(Stream stream, string path, int expectedRank)
    {
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path, "header");
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
            throw new DataFormatException(path, 0, "is not an unsigned-byte IDX file (bad magic number)");
        int rank = header[3];
        if (rank != expectedRank)
            throw new DataFormatException(path, 0, $"has {rank} dimensions, expected {expectedRank}");
        var dims = new int[rank];
        Span<byte> word = stackalloc byte[4];
        for (int d = 0; d < rank; d++)
        {
            ReadExactly(stream, word, path, "dimensions");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] <= 0) throw new DataFormatException(path, 0, $"dimension {d} is {dims[d]}");
        }
        return dims;
    }

    private static void Skip(Stream stream, long bytes, string path)
    {
        var buffer = new byte[1 << 16];
        while (bytes > 0)
        {
            int n = (int)Math.Min(buffer.Length, bytes);
            ReadExactly(stream, buffer.AsSpan(0, n), path, "data");
            bytes -= n;
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string part)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new DataFormatException(path, 0, $"is truncated (while reading its {part})");
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, $"is not valid gzip ({e.Message})");
        }
    }
}
