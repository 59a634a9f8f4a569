namespace HyperIft.Data.Tests;

public class SourceFilesTests : TempFolderTests
{
    [Fact]
    public void File_paths_become_absolute_and_keep_their_row_range()
    {
        Assert.Equal(Path.GetFullPath("a.csv") + "[1:3]", SourceFiles.Absolute("a.csv[1:3]"));
        Assert.Equal(Path.GetFullPath(Path.Combine("d", "b.svm")), SourceFiles.Absolute(Path.Combine("d", "b.svm")));
        Assert.Equal($"idx:{Path.GetFullPath("i.gz")},{Path.GetFullPath("l.gz")}[:5]", SourceFiles.Absolute("idx:i.gz,l.gz[:5]"));
        Assert.Equal("/data/a.csv", SourceFiles.Absolute("/data/a.csv"));
        // Not files of the client's: generated, or the package every silo reads for itself.
        Assert.Equal("synthetic:n=5,p=2", SourceFiles.Absolute("synthetic:n=5,p=2"));
        Assert.Equal("fashion-mnist[0:100]", SourceFiles.Absolute("fashion-mnist[0:100]"));
        Assert.Contains("unknown format", Assert.Throws<DataFormatException>(() => SourceFiles.Absolute("a.parquet")).Message);
        Assert.Contains("row range '[-1:2]'", Assert.Throws<DataFormatException>(() => SourceFiles.Absolute("a.csv[-1:2]")).Message);
    }

    [Fact]
    public void A_changed_or_missing_file_is_not_the_one_fingerprinted()
    {
        var path = Temp.Write("v.csv", "1,0\n2,1\n");
        string? fingerprint = SourceFiles.Fingerprint(path + "[0:1]");
        Assert.Null(SourceFiles.Check(path + "[0:1]", fingerprint));

        File.WriteAllText(path, "1,0\n2,1\n3,0\n");
        var (file, problem) = SourceFiles.Check(path, fingerprint)!.Value;
        Assert.Equal(path, file);
        Assert.StartsWith("is not the file the client measured (here 12 bytes, modified ", problem);
        Assert.Contains("; the client saw 8 bytes, modified ", problem);

        // Same size, other time: a copy that was not made with its time, or an edit in place.
        File.WriteAllText(path, "1,0\n2,1\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Contains("here 8 bytes, modified 2020-01-01T00:00:00.0000000Z", SourceFiles.Check(path, fingerprint)!.Value.Problem);

        File.Delete(path);
        Assert.Equal((path, "file not found"), SourceFiles.Check(path, fingerprint));
        Assert.Equal($"{path}: file not found", Assert.Throws<DataFormatException>(() => SourceFiles.Fingerprint(path)).Message);
        Assert.Null(SourceFiles.Check(path, null)); // no fingerprint recorded: nothing to check
    }

    [Fact]
    public void Idx_sources_fingerprint_both_files_and_name_the_one_that_differs()
    {
        var images = Temp.Write("i.idx", "images");
        var labels = Temp.Write("l.idx", "labels");
        string source = $"idx:{images},{labels}";
        string? fingerprint = SourceFiles.Fingerprint(source);
        File.AppendAllText(labels, "!");
        Assert.Equal(labels, SourceFiles.Check(source, fingerprint)!.Value.File);
        Assert.Null(SourceFiles.Fingerprint("synthetic:n=5"));
        Assert.Null(SourceFiles.Fingerprint("fashion-mnist:test"));
    }
}
