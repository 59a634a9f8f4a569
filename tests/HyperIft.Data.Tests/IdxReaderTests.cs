using System.Buffers.Binary;

namespace HyperIft.Data.Tests;

public class IdxReaderTests : TempFolderTests
{
    private static byte[] Idx(byte rank, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = rank;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_scaled_to_unit_interval_and_labels(bool gzip)
    {
        var images = Temp.WriteBytes("img", Idx(3, [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]), gzip);
        var labels = Temp.WriteBytes("lab", Idx(1, [2], [7, 3]), gzip);
        var d = IdxReader.Read(images, labels);
        Assert.Equal(2, d.Rows);
        Assert.Equal(4, d.Features);
        Assert.Equal([0.0, 1.0, 0.2, 0.4], d.X[..4]);
        Assert.Equal([7.0, 3.0], d.Y);
        Assert.Equal($"{labels}: item 2", d.LocateLabel(1));
    }

    [Fact]
    public void Bad_files_are_named()
    {
        var images = Temp.WriteBytes("img", Idx(3, [2, 1, 1], [1, 2]));
        var labels = Temp.WriteBytes("lab", Idx(1, [3], [1, 2, 3]));
        Assert.Contains("has 3 labels for the 2 images", Assert.Throws<DataFormatException>(() => IdxReader.Read(images, labels)).Message);
        var truncated = Temp.WriteBytes("short", Idx(3, [5, 1, 1], [1, 2]));
        var fiveLabels = Temp.WriteBytes("lab5", Idx(1, [5], [1, 2, 3, 4, 5]));
        Assert.Contains("is truncated", Assert.Throws<DataFormatException>(() => IdxReader.Read(truncated, fiveLabels)).Message);
        var text = Temp.Write("text", "hello world");
        Assert.Contains("bad magic number", Assert.Throws<DataFormatException>(() => IdxReader.Read(text, labels)).Message);
        Assert.Contains("has 1 dimensions, expected 3", Assert.Throws<DataFormatException>(() => IdxReader.Read(labels, labels)).Message);
    }

    [Fact]
    public void A_window_reads_only_its_items_and_names_them_by_their_place_in_the_file()
    {
        var images = Temp.WriteBytes("img", Idx(3, [4, 1, 2], [0, 1, 2, 3, 4, 5, 6, 7]), gzip: true);
        var labels = Temp.WriteBytes("lab", Idx(1, [4], [9, 8, 7, 6]), gzip: true);
        var d = IdxReader.Read(images, labels, new RowWindow(1, 2));
        Assert.Equal([2 / 255.0, 3 / 255.0, 4 / 255.0, 5 / 255.0], d.X);
        Assert.Equal([8.0, 7.0], d.Y);
        Assert.Equal($"{labels}: item 3", d.LocateLabel(1));
        Assert.Equal((4, 2), IdxReader.Measure(images, labels));
    }

    [Fact]
    public void Fashion_mnist_has_the_documented_shape_when_installed()
    {
        Prerequisite.Require(FashionMnist.IsInstalled, "Fashion-MNIST (Debian package dataset-fashion-mnist)");
        var train = DataSource.Load("fashion-mnist");
        Assert.Equal((60_000, 784), (train.Rows, train.Features));
        Assert.Equal(Enumerable.Range(0, 10).Select(c => (double)c), train.Y.Distinct().Order());
        Assert.Equal(6000, train.Y.Count(y => y == 9));
        Assert.InRange(train.X.Min(), 0.0, 0.0);
        Assert.InRange(train.X.Max(), 1.0, 1.0);
        var test = DataSource.Load("fashion-mnist:test");
        Assert.Equal((10_000, 784), (test.Rows, test.Features));
        var slice = DataSource.Load("fashion-mnist[50000:60000]");
        Assert.Equal(10_000, slice.Rows);
        Assert.Equal(train.Y[50_000], slice.Y[0]);
    }
}
