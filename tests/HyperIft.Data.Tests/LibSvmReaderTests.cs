namespace HyperIft.Data.Tests;

public class LibSvmReaderTests : TempFolderTests
{
    [Fact]
    public void Reads_rows_into_csr_with_one_based_indices()
    {
        var path = Temp.Write("a.svm", "+1 1:0.5 3:2 # comment\n-1 2:1.5\n\n0 3:-1\n");
        var d = LibSvmReader.Read(path);
        Assert.Equal(3, d.Features);
        Assert.Equal([1.0, -1.0, 0.0], d.Y);
        Assert.True(d.IsSparse);
        Assert.Equal([0, 2, 3, 4], d.Sparse.RowStart.ToArray());
        Assert.Equal([0, 2, 1, 2], d.Sparse.Columns.ToArray());
        Assert.Equal([0.5, 2, 1.5, -1], d.Sparse.Values.ToArray());
        Assert.Equal([0.5, 0, 2, 0, 1.5, 0, 0, 0, -1], d.ToDense().X);
        Assert.Equal($"{path}:4", d.LocateLabel(2));
    }

    [Fact]
    public void Given_features_pad_and_a_larger_index_is_an_error()
    {
        var path = Temp.Write("b.svm", "1 2:1\n");
        Assert.Equal(5, LibSvmReader.Read(path, features: 5).Features);
        var val = Temp.Write("val.svm", "1 1:1\n0 7:1\n");
        var error = Assert.Throws<DataFormatException>(() => LibSvmReader.Read(val, features: 5));
        Assert.Equal($"{val}:2: feature index 7 exceeds the 5 features of the training set", error.Message);
    }

    [Theory]
    [InlineData("1 0:1\n", "feature index '0' is not a positive integer")]
    [InlineData("1 a:1\n", "feature index 'a' is not a positive integer")]
    [InlineData("1 3\n", "'3' is not of the form index:value")]
    [InlineData("x 1:1\n", "label 'x' is not a number")]
    [InlineData("1 1:nan\n", "value of feature 1 'nan' is NaN")]
    public void Bad_tokens_are_reported_with_file_and_line(string content, string expected)
    {
        var path = Temp.Write("bad.svm", "1 1:1\n" + content);
        var error = Assert.Throws<DataFormatException>(() => LibSvmReader.Read(path));
        Assert.Equal(2, error.Line);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("1 1:0.5 1:5\n", "feature index 1 appears twice in the row")]
    [InlineData("1 3:1 2:1\n", "feature index 2 comes after 3: indices must ascend within a row")]
    public void Repeated_or_descending_indices_are_rejected_by_reading_and_measuring(string content, string expected)
    {
        var path = Temp.Write("order.svm", "1 1:1 2:1\n" + content);
        Assert.Equal($"{path}:2: {expected}", Assert.Throws<DataFormatException>(() => LibSvmReader.Read(path)).Message);
        Assert.Equal($"{path}:2: {expected}", Assert.Throws<DataFormatException>(() => LibSvmReader.Measure(path)).Message);
    }

    [Fact]
    public void A_huge_index_costs_nothing_sparse_and_is_bad_input_dense()
    {
        var path = Temp.Write("wide.svm", "1 2000000000:1\n0 1:1\n");
        var d = LibSvmReader.Read(path);
        Assert.Equal((2000000000, 2L), (d.Features, d.StoredValues));
        Assert.StartsWith($"{path}: 2 rows × 2000000000 features are too many values to store dense",
            Assert.Throws<DataFormatException>(() => d.ToDense()).Message);
    }

    [Fact]
    public void A_row_range_of_a_libsvm_file_needs_no_feature_count()
    {
        var path = Temp.Write("range.svm", "0 1:1 4:2\n1 2:3\n0 3:1\n");
        var d = DataSource.Load(path + "[1:3]");
        Assert.Equal((4, 2), (d.Features, d.Rows));
        Assert.Equal([0, 3, 0, 0, 0, 0, 1, 0], d.ToDense().X);
    }

    [Fact]
    public void A_window_holds_only_its_rows_entries()
    {
        var path = Temp.Write("win.svm", "0 1:1 4:2\n1 2:3\n# c\n\n0\n1 1:5 2:6 3:7\n");
        var window = LibSvmReader.Read(path, features: 4, window: new RowWindow(1, 3));
        Assert.Equal([1.0, 0, 1], window.Y);
        Assert.Equal(4L, window.StoredValues);
        Assert.Equal([0, 3, 0, 0, 0, 0, 0, 0, 5, 6, 7, 0], window.ToDense().X);
        Assert.Equal($"{path}:6", window.LocateLabel(2));
        var whole = LibSvmReader.Read(path).ToDense();
        Assert.Equal(whole.Slice(1, 4).X, LibSvmReader.Read(path).Slice(1, 4).ToDense().X);
    }
}
