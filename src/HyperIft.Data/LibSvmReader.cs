namespace HyperIft.Data;

/// <summary>
/// LIBSVM / svmlight text (SPEC §6): "label idx:val idx:val ...", 1-based indices, '#' starts a
/// comment. Indices must strictly ascend within a row, as LIBSVM's svm-train and scikit-learn's
/// load_svmlight_file require: a repeated index has no agreed meaning (sum? last wins?) and an
/// unsorted row is most often a broken writer, so both are errors rather than guesses. p is the largest index seen unless <c>features</c> is given, in which case a larger
/// index is an error (a validation set must not have features the training set lacks).
/// Stored densely: the kernels are dense. A window needs <c>features</c> (found by <see cref="Measure"/>).
/// </summary>
internal static class LibSvmReader
{
    public static Dataset Read(string path, int? features = null, bool allowNonFinite = false, RowWindow? window = null)
    {
        if (window is not null && features is null)
            throw new ArgumentException("reading a window of a LIBSVM file needs its feature count");
        var rows = new List<(int Index, double Value)[]>();
        var y = new List<double>();
        var lines = new List<int>();
        int maxIndex = 0, seen = 0;
        foreach (var (text, line) in DataLines(path))
        {
            int index = seen++;
            if (window is { } w && !w.Contains(index))
            {
                if (index >= w.End) break;
                continue;
            }

            var entries = new List<(int, double)>();
            y.Add(ParseRow(text, path, line, features, allowNonFinite, entries, ref maxIndex));
            rows.Add(entries.ToArray());
            lines.Add(line);
        }
        if (seen == 0) throw new DataFormatException(path, 0, "has no data rows");
        if (window is { } win && win.End > seen)
            throw new DataFormatException(path, 0, $"rows [{win.Start}, {win.End}) are outside its {seen} rows");

        int width = features ?? maxIndex;
        if (width < 1) throw new DataFormatException(path, 0, "has no features");
        // One stray huge index makes every row that wide: say so rather than overflow.
        if ((long)rows.Count * width > Array.MaxLength)
            throw new DataFormatException(path, 0,
                $"{rows.Count} rows × {width} features are more values than one dense array holds ({Array.MaxLength}); is a feature index wrong?");
        var x = new double[rows.Count * width];
        for (int i = 0; i < rows.Count; i++)
            foreach (var (index, value) in rows[i])
                x[i * width + index - 1] = value;
        return new Dataset(path, width, x, y.ToArray(), lines.ToArray());
    }

    /// <summary>Rows and features (the largest index, unless given), parsing indices but no values.</summary>
    public static (int Rows, int Features) Measure(string path, int? features = null)
    {
        int rows = 0, maxIndex = 0;
        foreach (var (text, line) in DataLines(path))
        {
            rows++;
            ParseRow(text, path, line, features, allowNonFinite: true, entries: null, ref maxIndex);
        }
        if (rows == 0) throw new DataFormatException(path, 0, "has no data rows");
        int width = features ?? maxIndex;
        if (width < 1) throw new DataFormatException(path, 0, "has no features");
        return (rows, width);
    }

    /// <summary>
    /// One row: returns its label and checks its indices, raising <paramref name="maxIndex"/>; with
    /// <paramref name="entries"/>, also parses the values into it (measuring skips them).
    /// </summary>
    private static double ParseRow(string text, string path, int line, int? features, bool allowNonFinite,
        List<(int, double)>? entries, ref int maxIndex)
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
                if (entries is not null) label = NumberParser.Parse(token, path, line, "label", allowNonFinite);
                isLabel = false;
                continue;
            }
            int colon = token.IndexOf(':');
            if (colon <= 0) throw new DataFormatException(path, line, $"'{token}' is not of the form index:value");
            int feature = FeatureIndex(token, colon, path, line, features, previous);
            previous = feature;
            maxIndex = Math.Max(maxIndex, feature);
            entries?.Add((feature, NumberParser.Parse(token[(colon + 1)..], path, line, $"value of feature {feature}", allowNonFinite)));
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
