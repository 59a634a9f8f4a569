using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HyperIft.Cli;

/// <summary>
/// Grayscale PNG grids of square images (distilled.png, augmented.png), written by hand so each pixel is exactly
/// one image value with no dependency: a PNG of 8-bit gray needs only IHDR, one deflated IDAT and IEND.
/// </summary>
public static class ImageGrid
{
    private const int Gutter = 2;
    private const byte White = 255, MidGray = 128;
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when p is a perfect square ≥ 4 (28² = 784): rows of p values can be drawn as side×side images.</summary>
    public static bool IsSquare(int features, out int side)
    {
        side = (int)Math.Round(Math.Sqrt(Math.Max(features, 0)));
        // long: side² can pass int.MaxValue when features is near it.
        if (features >= 4 && (long)side * side == features) return true;
        side = 0;
        return false;
    }

    /// <summary>
    /// Writes a PNG grid: cells[r][c] is one image of side² values (row-major pixels), or null for an empty cell.
    /// Each image is scaled to [0, 255] by its own min..max (a constant image is mid-gray 128), white = max.
    /// `scale` pixels per image pixel (nearest neighbour, default 2), a 2-pixel white gutter between cells and around the grid.
    /// Null cells and the missing ends of short rows are white, like the gutter, so they read as absent, not as dark data.
    /// </summary>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<double[]?>> cells, int side, int scale = 2)
    {
        if (side < 1) throw new ArgumentException($"The image side must be at least 1, not {side}.", nameof(side));
        if (scale < 1) throw new ArgumentException($"The scale must be at least 1 pixel per image pixel, not {scale}.", nameof(scale));
        int columns = cells.Count == 0 ? 0 : cells.Max(row => row.Count);
        if (columns == 0) throw new ArgumentException("There are no cells to draw.", nameof(cells));

        int cell = checked(side * scale), pitch = cell + Gutter, width = checked(columns * pitch + Gutter);
        int height = checked(cells.Count * pitch + Gutter), stride = checked(width + 1); // + the scanline's filter byte
        var raw = new byte[checked((long)stride * height)];
        Array.Fill(raw, White);
        for (int y = 0; y < height; y++) raw[y * stride] = 0; // filter 0 (None): gray grids gain little from prediction

        for (int r = 0; r < cells.Count; r++)
            for (int c = 0; c < cells[r].Count; c++)
            {
                if (cells[r][c] is not { } image) continue;
                if (image.Length != side * side)
                    throw new ArgumentException($"The image in row {r}, column {c} has {image.Length} values, not side² = {side * side}.", nameof(cells));
                byte[] gray = Gray(image);
                int top = Gutter + r * pitch, left = 1 + Gutter + c * pitch;
                for (int y = 0; y < cell; y++)
                    for (int x = 0; x < cell; x++)
                        raw[(top + y) * stride + left + x] = gray[y / scale * side + x / scale];
            }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; bytes 9..12 stay 0: colour type gray, deflate, filter method 0, no interlace
        var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal)) zlib.Write(raw);

        // Everything is validated and built before the file is created, so a bad argument leaves no half-written PNG.
        using var file = File.Create(path);
        file.Write(Signature);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", deflated.ToArray());
        Chunk(file, "IEND", []);
    }

    /// <summary>The image scaled by its own finite min..max; non-finite values become the minimum (black).</summary>
    private static byte[] Gray(double[] image)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in image)
            if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        var gray = new byte[image.Length];
        // A constant (or wholly non-finite) image has no range to stretch: mid-gray says "flat" rather than "all minimum".
        if (!(max > min)) { Array.Fill(gray, MidGray); return gray; }
        // Halves: max − min overflows to ∞ when the values span ±double.MaxValue, and ∞/∞ is NaN.
        double range = max / 2 - min / 2;
        for (int i = 0; i < image.Length; i++)
            gray[i] = double.IsFinite(image[i]) ? (byte)Math.Round(255 * ((image[i] / 2 - min / 2) / range)) : (byte)0;
        return gray;
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        byte[] name = Encoding.ASCII.GetBytes(type);
        file.Write(name); file.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, ~Crc(Crc(0xFFFFFFFFu, name), data)); // the CRC covers type and data, not length
        file.Write(word);
    }

    // CRC-32 (ISO 3309, reflected 0xEDB88320) as the PNG spec requires; System.IO.Hashing is not referenced.
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
