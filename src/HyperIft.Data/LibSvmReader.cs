namespace HyperIft.Data;

/// <summary>
/// LIBSVM / svmlight text (SPEC §6): "label idx:val idx:val ...", 1-based indices, '#' starts a
/// comment. p is the largest index seen unless <c>features</c> is given, in which case a larger
/// index is an error (a validation set must not have features the training set lacks).
/// Stored densely: the kernels are dense.
/// </summary>
public static class LibSvmReader
{
    public static Dataset Read(string path, int? features = null, bool allowNonFinite = false)
    {
        var rows = new List<(int Index, double Value)[]>();
        var y = new List<double>();
        var lines = new List<int>();
        int maxIndex = 0;
        foreach (var (text, line) in TextFile.Lines(path))
        {
            var row = text.AsSpan();
            int hash = row.IndexOf('#');
            if (hash >= 0) row = row[..hash];
            row = row.Trim();
            if (row.IsEmpty) continue;

            var entries = new List<(int, double)>();
            bool isLabel = true;
            foreach (var range in row.SplitAny(' ', '\t'))
            {
                var token = row[range];
                if (token.IsEmpty) continue;
                if (isLabel)
                {
                    y.Add(NumberParser.Parse(token, path, line, "label", allowNonFinite));
                    isLabel = false;
                    continue;
                }
                int colon = token.IndexOf(':');
                if (colon <= 0)
                    throw new DataFormatException(path, line, $"'{token}' is not of the form index:value");
                if (!int.TryParse(token[..colon], out int index) || index < 1)
                    throw new DataFormatException(path, line, $"feature index '{token[..colon]}' is not a positive integer");
                if (features is { } p && index > p)
                    throw new DataFormatException(path, line, $"feature index {index} exceeds the {p} features of the training set");
                entries.Add((index, NumberParser.Parse(token[(colon + 1)..], path, line, $"value of feature {index}", allowNonFinite)));
                maxIndex = Math.Max(maxIndex, index);
            }
            rows.Add(entries.ToArray());
            lines.Add(line);
        }
        if (y.Count == 0) throw new DataFormatException(path, 0, "has no data rows");

        int width = features ?? maxIndex;
        if (width < 1) throw new DataFormatException(path, 0, "has no features");
        var x = new double[rows.Count * width];
        for (int i = 0; i < rows.Count; i++)
            foreach (var (index, value) in rows[i])
                x[i * width + index - 1] = value;
        return new Dataset(path, width, x, y.ToArray(), lines.ToArray());
    }
}
