using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HyperIft.Cli.Tests;

/// <summary>
/// The PNG grids of distilled.png and augmented.png, parsed back by hand: signature, IHDR, every chunk's CRC
/// (checked with a bitwise CRC-32, independent of the writer's table), the inflated scanlines and their pixels.
/// </summary>
public class ImageGridTests : TempFolderTests
{
    private const int Side = 4, Scale = 2, Gutter = 2, Pitch = Side * Scale + Gutter;

    private static double[] Image(Func<int, double> value) => Enumerable.Range(0, Side * Side).Select(value).ToArray();

    [Fact]
    public void A_grid_is_a_valid_png_whose_images_are_scaled_by_their_own_range()
    {
        var cells = new IReadOnlyList<double[]?>[]
        {
            [Image(i => i), Image(_ => 3.0), null],
            [
                Image(i => 10 - 2 * i), // maximum first: white is the maximum, not the first value
                Image(i => i switch { 3 => double.NaN, 7 => double.PositiveInfinity, 8 => double.NegativeInfinity, _ => 10 + i }),
                Image(_ => double.NaN), // no finite value: drawn like a constant image
            ],
        };
        string path = Temp.PathOf("grid.png");
        ImageGrid.Write(path, cells, Side, Scale);

        var (width, height, pixels) = Read(File.ReadAllBytes(path));
        Assert.Equal(3 * Pitch + Gutter, width);
        Assert.Equal(2 * Pitch + Gutter, height);

        // Ramp 0..15: its minimum is black, its maximum white, 5 is round(255·5/15) = 85.
        AssertPixel(pixels, 0, 0, 0, 0);
        AssertPixel(pixels, 0, 0, 15, 255);
        AssertPixel(pixels, 0, 0, 5, 85);
        for (int i = 0; i < Side * Side; i++) AssertPixel(pixels, 0, 1, i, 128);     // constant: mid-gray
        for (int i = 0; i < Side * Side; i++) AssertPixel(pixels, 0, 2, i, 255);     // null cell: white, like the gutter
        AssertPixel(pixels, 1, 0, 0, 255);
        AssertPixel(pixels, 1, 0, 15, 0);
        // Finite values 10..25 (10 + i): NaN and ±∞ are the minimum; the finite range sets the rest.
        foreach (int i in new[] { 0, 3, 7, 8 }) AssertPixel(pixels, 1, 1, i, 0);
        AssertPixel(pixels, 1, 1, 4, 68);
        AssertPixel(pixels, 1, 1, 15, 255);
        for (int i = 0; i < Side * Side; i++) AssertPixel(pixels, 1, 2, i, 128);

        // Gutters: the two rows and columns before each cell and after the last are white, across the whole image.
        int[] lines = Enumerable.Range(0, 4).SelectMany(k => new[] { k * Pitch, k * Pitch + 1 }).ToArray();
        foreach (int y in lines.Where(y => y < height))
            for (int x = 0; x < width; x++) Assert.Equal(255, pixels[y, x]);
        foreach (int x in lines)
            for (int y = 0; y < height; y++) Assert.Equal(255, pixels[y, x]);
    }

    /// <summary>Every one of the scale×scale screen pixels of image pixel i in cell (r, c) has the expected gray.</summary>
    private static void AssertPixel(byte[,] pixels, int r, int c, int i, byte expected)
    {
        for (int dy = 0; dy < Scale; dy++)
            for (int dx = 0; dx < Scale; dx++)
                Assert.Equal(expected, pixels[Gutter + r * Pitch + i / Side * Scale + dy, Gutter + c * Pitch + i % Side * Scale + dx]);
    }

    private static (int Width, int Height, byte[,] Pixels) Read(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string Type, byte[] Data)>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            byte[] typeAndData = png[(at + 4)..(at + 8 + length)];
            Assert.Equal(BitwiseCrc32(typeAndData), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks.Add((Encoding.ASCII.GetString(typeAndData, 0, 4), typeAndData[4..]));
            at += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        byte[] header = chunks[0].Data;
        Assert.Equal(13, header.Length);
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0 }, header[8..]); // 8-bit, gray, deflate, filter method 0, no interlace
        Assert.Empty(chunks[2].Data);

        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress)) zlib.CopyTo(raw);
        byte[] scanlines = raw.ToArray();
        Assert.Equal(height * (width + 1), scanlines.Length);
        var pixels = new byte[height, width];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, scanlines[y * (width + 1)]); // filter type None on every scanline
            for (int x = 0; x < width; x++) pixels[y, x] = scanlines[y * (width + 1) + 1 + x];
        }
        return (width, height, pixels);
    }

    /// <summary>CRC-32 bit by bit, as the PNG specification defines it, so a wrong table in the writer cannot hide.</summary>
    private static uint BitwiseCrc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }

    [Fact]
    public void Square_feature_counts_are_recognized()
    {
        Assert.True(ImageGrid.IsSquare(784, out int side));
        Assert.Equal(28, side);
        Assert.True(ImageGrid.IsSquare(4, out side));
        Assert.Equal(2, side);
        Assert.False(ImageGrid.IsSquare(10, out _));
        Assert.False(ImageGrid.IsSquare(1, out _));   // a 1×1 image is not a picture
        Assert.False(ImageGrid.IsSquare(0, out _));
        Assert.False(ImageGrid.IsSquare(int.MaxValue, out _));
    }

    [Fact]
    public void Bad_arguments_throw_and_write_nothing()
    {
        string path = Temp.PathOf("bad.png");
        var one = new IReadOnlyList<double[]?>[] { [Image(_ => 1)] };
        var cases = new (Action Write, string Message)[]
        {
            (() => ImageGrid.Write(path, [[new double[15]]], Side), "has 15 values, not side² = 16"),
            (() => ImageGrid.Write(path, [[null, new double[17]]], Side), "row 0, column 1"),
            (() => ImageGrid.Write(path, one, 0), "side must be at least 1"),
            (() => ImageGrid.Write(path, one, Side, scale: 0), "scale must be at least 1"),
            (() => ImageGrid.Write(path, [], Side), "no cells"),
            (() => ImageGrid.Write(path, [[], []], Side), "no cells"),
        };
        foreach (var (write, message) in cases)
        {
            var e = Assert.Throws<ArgumentException>(write);
            Assert.Contains(message, e.Message);
            Assert.False(File.Exists(path));
        }
    }
}
