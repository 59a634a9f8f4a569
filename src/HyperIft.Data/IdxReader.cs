using System.Buffers.Binary;

namespace HyperIft.Data;

/// <summary>
/// IDX files (the MNIST format), gzip or raw: an unsigned-byte image file (magic 0x803) and an
/// unsigned-byte label file (magic 0x801). Pixels are scaled to [0, 1].
/// </summary>
public static class IdxReader
{
    public static Dataset Read(string imagesPath, string labelsPath)
    {
        var (imageDims, pixels) = ReadArray(imagesPath, expectedRank: 3);
        var (labelDims, labels) = ReadArray(labelsPath, expectedRank: 1);
        if (imageDims[0] != labelDims[0])
            throw new DataFormatException(labelsPath, 0, $"has {labelDims[0]} labels for the {imageDims[0]} images of {imagesPath}");
        int features = imageDims[1] * imageDims[2];
        var x = new double[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) x[i] = pixels[i] / 255.0;
        var y = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++) y[i] = labels[i];
        return new Dataset(imagesPath, features, x, y, lines: null, labelSource: labelsPath);
    }

    private static (int[] Dims, byte[] Data) ReadArray(string path, int expectedRank)
    {
        using var stream = TextFile.Open(path);
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path, "header");
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
            throw new DataFormatException(path, 0, "is not an unsigned-byte IDX file (bad magic number)");
        int rank = header[3];
        if (rank != expectedRank)
            throw new DataFormatException(path, 0, $"has {rank} dimensions, expected {expectedRank}");
        var dims = new int[rank];
        Span<byte> word = stackalloc byte[4];
        long total = 1;
        for (int d = 0; d < rank; d++)
        {
            ReadExactly(stream, word, path, "dimensions");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] <= 0) throw new DataFormatException(path, 0, $"dimension {d} is {dims[d]}");
            total *= dims[d];
        }
        if (total > int.MaxValue) throw new DataFormatException(path, 0, "is too large");
        var data = new byte[total];
        ReadExactly(stream, data, path, "data");
        return (dims, data);
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
