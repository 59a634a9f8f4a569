namespace HyperIft.Data.Tests;

public class DataSourceTests : TempFolderTests
{
    [Fact]
    public void Row_ranges_select_rows_and_keep_their_lines()
    {
        var path = Temp.Write("a.csv", "1,0\n2,1\n3,0\n4,1\n");
        var d = DataSource.Load(path + "[1:3]");
        Assert.Equal([2.0, 3.0], d.X);
        Assert.Equal($"{path}:3", d.LocateLabel(1));
        Assert.Equal([3.0, 4.0], DataSource.Load(path + "[2:]").X);
        Assert.Contains("row range [2:9]", Assert.Throws<DataFormatException>(() => DataSource.Load(path + "[2:9]")).Message);
    }

    [Theory]
    [InlineData("[0:99999999999]")]
    [InlineData("[99999999999:]")]
    [InlineData("[-1:2]")]
    [InlineData("[1:x]")]
    [InlineData("[3]")]
    [InlineData("[1:2:3]")]
    public void Malformed_or_huge_row_ranges_name_the_source(string range)
    {
        var path = Temp.Write("r.csv", "1,0\n2,1\n3,0\n");
        string expected = $"{path}{range}: row range '{range}' is not [start:end]";
        Assert.StartsWith(expected, Assert.Throws<DataFormatException>(() => DataSource.Load(path + range)).Message);
        Assert.StartsWith(expected, Assert.Throws<DataFormatException>(() => DataSource.Measure(path + range)).Message);
    }

    [Fact]
    public void Windows_read_the_same_rows_as_slicing_the_whole_set()
    {
        var csv = Temp.Write("w.csv", "a,b,y\n1,2,0\n\n3,4,1\n5,6,0\n7,8,1\n");
        var svm = Temp.Write("w.svm", "0 1:1 2:2\n1 2:4\n# note\n0 1:5\n1 2:8\n");
        foreach (var source in new[] { csv, svm, csv + "[1:4]", svm + "[1:]" })
        {
            var options = new ReadOptions(Features: 2);
            var whole = DataSource.Load(source, options);
            var (rows, features) = DataSource.Measure(source, options);
            Assert.Equal((whole.Rows, whole.Features), (rows, features));
            var window = DataSource.Load(source, options with { Window = new RowWindow(1, rows - 1) });
            Assert.Equal(whole.ToDense().X[whole.Features..], window.ToDense().X);
            Assert.Equal(whole.Y[1..], window.Y);
            Assert.Equal(whole.LocateLabel(1), window.LocateLabel(0));
        }
        // A bad row outside the window is the business of the shard that reads it.
        var bad = Temp.Write("bad.csv", "1,2,0\n3,x,1\n5,6,0\n");
        Assert.Equal([5.0, 6.0], DataSource.Load(bad, new ReadOptions(Window: new RowWindow(2, 1))).X);
        Assert.Contains("bad.csv:2:", Assert.Throws<DataFormatException>(() => DataSource.Load(bad, new ReadOptions(Window: new RowWindow(1, 1)))).Message);
        Assert.Contains("outside its 3 rows", Assert.Throws<DataFormatException>(() => DataSource.Load(bad, new ReadOptions(Window: new RowWindow(2, 2)))).Message);
    }

    [Fact]
    public void Synthetic_windows_are_the_rows_of_the_whole_part()
    {
        var spec = new SyntheticSpec(50, 4, 3, Seed: 7);
        foreach (var part in new[] { DataPart.Train, DataPart.Validation, DataPart.Test })
        {
            var whole = SyntheticData.GeneratePart("softmax", spec, part);
            var window = SyntheticData.GeneratePart("softmax", spec, part, new RowWindow(5, 10));
            Assert.Equal(whole.X.AsSpan(5 * 4, 10 * 4).ToArray(), window.X);
            Assert.Equal(whole.Y.AsSpan(5, 10).ToArray(), window.Y);
        }
    }

    [Fact]
    public void Formats_are_chosen_by_extension_and_unknown_ones_rejected()
    {
        Assert.Equal(1, DataSource.Load(Temp.Write("a.libsvm", "1 1:2\n")).Features);
        Assert.Contains("unknown format", Assert.Throws<DataFormatException>(() => DataSource.Load(Temp.Write("a.parquet", "x"))).Message);
    }

    [Fact]
    public void Standardizer_uses_training_statistics_and_leaves_constant_columns_unscaled()
    {
        var train = new Dataset("t", 2, [1, 5, 3, 5, 5, 5], [0, 0, 0]);
        var scaler = Standardizer.Fit(train);
        var scaled = scaler.Apply(train);
        double sd = Math.Sqrt(8.0 / 3.0);
        Assert.Equal([-2 / sd, 0, 0, 0, 2 / sd, 0], scaled.X, new ToleranceComparer(1e-15));
        var val = scaler.Apply(new Dataset("v", 2, [3, 7], [1]));
        Assert.Equal([0.0, 2.0], val.X, new ToleranceComparer(1e-15));
    }

    [Fact]
    public void Synthetic_data_is_a_function_of_its_seed()
    {
        var a = SyntheticData.Generate("softmax", new SyntheticSpec(50, 4, 3, Seed: 5));
        var b = SyntheticData.Generate("softmax", new SyntheticSpec(50, 4, 3, Seed: 5));
        var c = SyntheticData.Generate("softmax", new SyntheticSpec(50, 4, 3, Seed: 6));
        Assert.Equal(a.Train.X, b.Train.X);
        Assert.Equal(a.Validation.Y, b.Validation.Y);
        Assert.NotEqual(a.Train.X, c.Train.X);
        Assert.Equal(25, a.Validation.Rows);
        Assert.All(a.Train.Y, y => Assert.Contains(y, new[] { 0.0, 1.0, 2.0 }));
        Assert.All(SyntheticData.Generate("logistic", new SyntheticSpec(30, 3)).Train.Y, y => Assert.True(y is 0 or 1));
    }

    [Theory]
    [InlineData("synthetic:c=1", "c must be between 2 and 1000")]
    [InlineData("synthetic:c=1000000", "c must be between 2 and 1000")]
    [InlineData("synthetic:n=0", "n must be at least 1")]
    [InlineData("synthetic:p=0", "p must be at least 1")]
    [InlineData("synthetic:n=99999999999", "n must be a non-negative integer")]
    [InlineData("synthetic:n=100000000,p=100", "n·p = 10000000000 values do not fit in one array")]
    [InlineData("synthetic:n=10,m=100000000,p=100", "m·p = 10000000000 values do not fit in one array")]
    [InlineData("synthetic:noise=Infinity", "noise must be a finite non-negative number")]
    [InlineData("synthetic:k=3", "unknown key 'k' (n, p, c, seed, m, noise)")]
    public void Out_of_range_synthetic_settings_are_bad_input(string source, string expected) =>
        Assert.StartsWith($"{source}: {expected}", Assert.Throws<DataFormatException>(() => SyntheticSpec.Parse(source)).Message);

    [Fact]
    public void Lambda_files_round_trip_exactly_and_name_bad_lines()
    {
        double[] lambda = [-2.0, Math.PI, 1e-300, -0.1];
        var path = Temp.PathOf("lambda.txt");
        LambdaFile.Write(path, lambda);
        Assert.Equal(lambda, LambdaFile.Read(path));
        var bad = Temp.Write("bad.txt", "1\n\n2\nx\n");
        Assert.Equal($"{bad}:4: value 'x' is not a number", Assert.Throws<DataFormatException>(() => LambdaFile.Read(bad)).Message);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
