using System.Globalization;

namespace HyperIft.Data;

/// <summary>
/// The files behind a data source, as the client saw them. On a cluster a relative path would be
/// read in each silo's working directory, where a file of the same name gives a wrong answer with
/// no warning; so the client makes every path absolute and records each file's size and last write
/// time (its fingerprint), and a silo checks them before it reads. Size and time, not a content
/// hash: the client never reads the data, and a hash would cost every shard a pass over the file.
/// Generated sources and the packaged fashion-mnist have no files of the client's.
/// </summary>
public static class SourceFiles
{
    private const string Separator = "; ";

    /// <summary>The source with each file path made absolute against this process's directory; a row range is kept.</summary>
    public static string Absolute(string source)
    {
        if (SyntheticSpec.IsSynthetic(source)) return source;
        var (name, _) = DataSource.SplitRange(source);
        string range = source[name.Length..];
        if (DataSource.IsPackaged(name)) return source;
        if (name.StartsWith("idx:", StringComparison.Ordinal))
        {
            var (images, labels) = DataSource.IdxPaths(name);
            return $"idx:{Path.GetFullPath(images)},{Path.GetFullPath(labels)}{range}";
        }
        DataSource.Format(name); // an unknown format is refused here, before any silo is asked
        return Path.GetFullPath(name) + range;
    }

    /// <summary>The files a source reads, in order: none for generated and packaged sources.</summary>
    private static string[] Paths(string source)
    {
        if (SyntheticSpec.IsSynthetic(source)) return [];
        var (name, _) = DataSource.SplitRange(source);
        if (DataSource.IsPackaged(name)) return [];
        if (!name.StartsWith("idx:", StringComparison.Ordinal)) return [name];
        var (images, labels) = DataSource.IdxPaths(name);
        return [images, labels];
    }

    /// <summary>"N bytes, modified TIME" for each file, in order; null for a source with no files.</summary>
    public static string? Fingerprint(string source)
    {
        var paths = Paths(source);
        if (paths.Length == 0) return null;
        return string.Join(Separator, paths.Select(p => Stamp(p) ?? throw new DataFormatException(p, 0,
            Directory.Exists(p) ? "is a directory, not a data file" : "file not found")));
    }

    /// <summary>
    /// Null when each file is the one fingerprinted, else the first that is not and how. A spec
    /// with no fingerprint (written by hand, or persisted before fingerprints) is not checked.
    /// </summary>
    public static (string File, string Problem)? Check(string source, string? fingerprint)
    {
        if (fingerprint is null) return null;
        var paths = Paths(source);
        var expected = fingerprint.Split(Separator);
        if (expected.Length != paths.Length)
            return (source, $"has {paths.Length} files but its fingerprint describes {expected.Length}");
        for (int i = 0; i < paths.Length; i++)
        {
            string? actual = Stamp(paths[i]);
            if (actual is null) return (paths[i], "file not found");
            if (actual != expected[i])
                return (paths[i], $"is not the file the client measured (here {actual}; the client saw {expected[i]})");
        }
        return null;
    }

    private static string? Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length} bytes, modified {file.LastWriteTimeUtc:O}")
            : null;
    }
}
