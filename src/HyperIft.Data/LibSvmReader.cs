using HyperIft.Numerics;

namespace HyperIft.Data;

/// <summary>
/// LIBSVM / svmlight text (SPEC §6): "label idx:val idx:val ...", 1-based indices, '#' starts a
/// comment. Indices must strictly ascend within a row, as LIBSVM's svm-train and scikit-learn's
/// load_svmlight_file require: a repeated index has no agreed meaning (sum? last wins?) and an
/// unsorted row is most often a broken writer, so both are errors rather than guesses. p is the largest index seen unless <c>features</c> is given, in which case a larger
/// index is an error (a validation set must not have features the training set lacks).
/// Stored sparse (CSR), in time and memory proportional to the entries. A window needs <c>features</c>
/// (found by <see cref="Measure"/>).
/// </summary>
internal static class LibSvmReader
{
    public static Dataset Read(string path, int? features = null, bool allowNonFinite = false, RowWindow? window = null)
    {
        if (window is not null && features is null)
            throw new ArgumentException("reading a window of a LIBSVM file needs its feature count");
        // A counting pass first, so that the rows go straight into arrays of their final size: no
        // growing lists, whose doubling and last copy would triple the peak for a large file.
        var (rowCount, entryCount, seen) = Count(path, window);
        if (seen == 0) throw new DataFormatException(path, 0, "has no data rows");
        if (window is { } win && win.End > seen)
            throw new DataFormatException(path, 0, $"rows [{win.Start}, {win.End}) are outside its {seen} rows");
        if (entryCount > Array.MaxLength)
            throw new DataFormatException(path, 0, $"{entryCount} non-zero values are more than one block holds ({Array.MaxLength}); use more shards");

        var rowStart = new int[rowCount + 1];
        var columns = new int[entryCount];
        var values = new double[entryCount];
        var y = new double[rowCount];
        var lines = new int[rowCount];
        int maxIndex = 0, index = -1, row = 0, entry = 0;
        foreach (var (text, line) in DataLines(path))
        {
            index++;
            if (window is { } w && !w.Contains(index))
            {
                if (index >= w.End) break;
                continue;
            }
            y[row] = ParseRow(text, path, line, features, allowNonFinite, columns, values, ref entry, ref maxIndex);
            lines[row++] = line;
            rowStart[row] = entry;
        }

        int width = features ?? maxIndex;
        if (width < 1) throw new DataFormatException(path, 0, "has no features");
        // Indices are stored 0-based.
        for (int k = 0; k < entry; k++) columns[k]--;
        return new Dataset(path, new SparseRows(rowStart, columns, values, width), y, lines);
    }

    /// <summary>The rows of the window (all rows without one), their index:value entries, and the file's rows.</summary>
    private static (int Rows, long Entries, int Seen) Count(string path, RowWindow? window)
    {
        int rows = 0, seen = 0;
        long entries = 0;
        foreach (var (text, _) in DataLines(path))
        {
            int index = seen++;
            if (window is { } w && !w.Contains(index))
            {
                if (index >= w.End) break;
                continue;
            }
            rows++;
            entries += text.AsSpan().Count(':');
        }
        return (rows, entries, seen);
    }

    /// <summary>Rows and features (the largest index, unless given), parsing indices but no values.</summary>
    public static (int Rows, int Features) Measure(string path, int? features = null)
    {
        int rows = 0, maxIndex = 0;
        foreach (var (text, line) in DataLines(path))
        {
            rows++;
            int none = 0;
            ParseRow(text, path, line, features, allowNonFinite: true, null, null, ref none, ref maxIndex);
        }
        if (rows == 0) throw new DataFormatException(path, 0, "has no data rows");
        int width = features ?? maxIndex;
        if (width < 1) throw new DataFormatException(path, 0, "has no features");
        return (rows, width);
    }

    /// <summary>
    /// One row: returns its label and checks its indices, raising <paramref name="maxIndex"/>; with
    /// <paramref name="values"/>, also parses the entries into the arrays from <paramref name="entry"/> on
    /// (measuring skips them).
    /// </summary>
    private static double ParseRow(string text, string path, int line, int? features, bool allowNonFinite,
        int[]? columns, double[]? values, ref int entry, ref int maxIndex)
    {
        var row = text.AsSpan();
        double label = double.NaN;
        bool isLabel = true;
        int previous = 0;
        foreach (var range in row.SplitAny(' ', '\t'))
        {
            var token = row[range];
            if (token.IsEmpty) continue;
            if (isLabel)
            {
                if (values is not null) label = NumberParser.Parse(token, path, line, "label", allowNonFinite);
                isLabel = false;
                continue;
            }
            int colon = token.IndexOf(':');
            if (colon <= 0) throw new DataFormatException(path, line, $"'{token}' is not of the form index:value");
            int feature = FeatureIndex(token, colon, path, line, features, previous);
            previous = feature;
            maxIndex = Math.Max(maxIndex, feature);
            if (values is null) continue;
            columns![entry] = feature;
            values[entry++] = NumberParser.Parse(token[(colon + 1)..], path, line, $"value of feature {feature}", allowNonFinite);
        }
        return label;
    }

    /// <summary>The non-blank lines, comments ('#' to the end) removed.</summary>
    private static IEnumerable<(string Text, int Line)> DataLines(string path)
    {
        foreach (var (text, line) in TextFile.Lines(path))
        {
            int hash = text.IndexOf('#');
            string row = (hash >= 0 ? text[..hash] : text).Trim();
            if (row.Length > 0) yield return (row, line);
        }
    }

    /// <summary>The index of an index:value token, which must exceed the row's <paramref name="previous"/> one.</summary>
    private static int FeatureIndex(ReadOnlySpan<char> token, int colon, string path, int line, int? features, int previous)
    {
        if (!int.TryParse(token[..colon], out int index) || index < 1)
            throw new DataFormatException(path, line, $"feature index '{token[..colon]}' is not a positive integer");
        if (index == previous)
            throw new DataFormatException(path, line, $"feature index {index} appears twice in the row");
        if (index < previous)
            throw new DataFormatException(path, line, $"feature index {index} comes after {previous}: indices must ascend within a row");
        if (features is { } p && index > p)
            throw new DataFormatException(path, line, $"feature index {index} exceeds the {p} features of the training set");
        return index;
    }
}
