namespace HyperIft.Data;

/// <summary>
/// Numeric CSV (SPEC §6): comma-separated, an optional header (a first line with no number in it),
/// the label in the last column unless <c>labelColumn</c> (0-based) says otherwise. Blank lines are
/// skipped. Every row must have the same number of cells, all finite numbers.
/// </summary>
public static class CsvReader
{
    public static Dataset Read(string path, int? labelColumn = null, bool allowNonFinite = false)
    {
        var x = new List<double>();
        var y = new List<double>();
        var lines = new List<int>();
        int columns = -1, label = -1;
        bool first = true;
        foreach (var (text, line) in TextFile.Lines(path))
        {
            var row = text.AsSpan().Trim();
            if (row.IsEmpty) continue;
            if (first)
            {
                first = false;
                columns = CountCells(row);
                label = labelColumn ?? columns - 1;
                if (label < 0 || label >= columns)
                    throw new DataFormatException(path, line,
                        $"label column {label} does not exist: rows have {columns} columns (0..{columns - 1})");
                if (columns < 2) throw new DataFormatException(path, line, "a row needs at least one feature and a label");
                if (IsHeader(row)) continue;
            }
            int cells = CountCells(row);
            if (cells != columns)
                throw new DataFormatException(path, line, $"row has {cells} columns, expected {columns} like the first row");
            int column = 0;
            foreach (var range in row.Split(','))
            {
                double value = NumberParser.Parse(row[range], path, line, $"column {column + 1}", allowNonFinite);
                if (column == label) y.Add(value);
                else x.Add(value);
                column++;
            }
            lines.Add(line);
        }
        if (y.Count == 0) throw new DataFormatException(path, 0, "has no data rows");
        return new Dataset(path, columns - 1, x.ToArray(), y.ToArray(), lines.ToArray());
    }

    private static int CountCells(ReadOnlySpan<char> row) => row.Count(',') + 1;

    private static bool IsHeader(ReadOnlySpan<char> row)
    {
        foreach (var range in row.Split(','))
            if (NumberParser.IsNumber(row[range])) return false;
        return true;
    }
}
