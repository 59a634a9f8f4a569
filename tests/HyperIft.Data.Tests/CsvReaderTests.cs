namespace HyperIft.Data.Tests;

public class CsvReaderTests : TempFolderTests
{
    [Fact]
    public void Reads_rows_with_a_header_and_the_label_last()
    {
        var path = Temp.Write("a.csv", "x1,x2,y\n1,2,0\n\n3.5,-4e-1,1\n");
        var d = CsvReader.Read(path);
        Assert.Equal(2, d.Rows);
        Assert.Equal(2, d.Features);
        Assert.Equal([1.0, 2.0, 3.5, -0.4], d.X);
        Assert.Equal([0.0, 1.0], d.Y);
        Assert.Equal($"{path}:4", d.LocateLabel(1));
    }

    [Fact]
    public void Reads_without_a_header_and_with_a_chosen_label_column()
    {
        var d = CsvReader.Read(Temp.Write("b.csv", "7,1,2\n8,3,4\n"), labelColumn: 0);
        Assert.Equal([7.0, 8.0], d.Y);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], d.X);
    }

    [Theory]
    [InlineData("1,2,3\n4,5\n", 2, "row has 2 columns, expected 3")]
    [InlineData("1,2,3\n4,abc,6\n", 2, "column 2 'abc' is not a number")]
    [InlineData("1,2,3\n4,NaN,6\n", 2, "column 2 'NaN' is NaN")]
    [InlineData("1,2,3\n4,5,6\n7,Infinity,9\n", 3, "column 2 'Infinity' is infinite")]
    [InlineData("1,2,3\n4,1e400,6\n", 2, "is infinite")]
    [InlineData("1,,3\n", 1, "column 2 is empty")]
    [InlineData("a,b,c\n1,x,3\n", 2, "column 2 'x' is not a number")]
    public void Bad_rows_are_reported_with_file_and_line(string content, int line, string expected)
    {
        var path = Temp.Write("bad.csv", content);
        var error = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"{path}:{line}: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_missing_or_empty_file_is_named()
    {
        var missing = Temp.PathOf("none.csv");
        Assert.Equal($"{missing}: file not found", Assert.Throws<DataFormatException>(() => CsvReader.Read(missing)).Message);
        var empty = Temp.Write("empty.csv", "x,y\n");
        Assert.Contains("has no data rows", Assert.Throws<DataFormatException>(() => CsvReader.Read(empty)).Message);
    }

    [Fact]
    public void A_label_column_outside_the_row_is_an_error()
    {
        var path = Temp.Write("c.csv", "1,2\n");
        Assert.Contains("label column 5 does not exist", Assert.Throws<DataFormatException>(() => CsvReader.Read(path, 5)).Message);
    }
}
