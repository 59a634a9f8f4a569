namespace HyperIft.Data;

/// <summary>
/// Numeric CSV (SPEC §6): comma-separated, an optional header (a first line with no number in it),
/// the label in the last column unless <c>labelColumn</c> (0-based) says otherwise. Blank lines are
/// skipped. Every row must have the same number of cells, all finite numbers. With a window, only
/// its rows are parsed and checked (a shard checks its own rows; the others are its neighbours').
/// </summary>
internal static class CsvReader
{
    public static Dataset Read(string path, int? labelColumn = null, bool allowNonFinite = false, RowWindow? window = null)
    {
        var x = new List<double>();
        var y = new List<double>();
        var lines = new List<int>();
        var (columns, label) = (-1, -1);
        int row = 0;
        foreach (var (cells, line) in DataLines(path, labelColumn, (c, l) => (columns, label) = (c, l)))
        {
            int index = row++;
            if (window is { } w && !w.Contains(index))
            {
                if (index >= w.End) break;
                continue;
            }
            int count = CountCells(cells);
            if (count != columns)
                throw new DataFormatException(path, line, $"row has {count} columns, expected {columns} like the first row");
            int column = 0;
            foreach (var range in cells.AsSpan().Split(','))
            {
                double value = NumberParser.Parse(cells.AsSpan()[range], path, line, $"column {column + 1}", allowNonFinite);
                if (column == label) y.Add(value);
                else x.Add(value);
                column++;
            }
            lines.Add(line);
        }
        if (row == 0) throw new DataFormatException(path, 0, "has no data rows");
        if (window is { } win && win.End > row)
            throw new DataFormatException(path, 0, $"rows [{win.Start}, {win.End}) are outside its {row} rows");
        return new Dataset(path, columns - 1, x.ToArray(), y.ToArray(), lines.ToArray());
    }

    /// <summary>Data rows and features, reading every line but parsing none of the numbers.</summary>
    public static (int Rows, int Features) Measure(string path, int? labelColumn = null)
    {
        int columns = -1, rows = 0;
        foreach (var _ in DataLines(path, labelColumn, (c, _) => columns = c)) rows++;
        if (rows == 0) throw new DataFormatException(path, 0, "has no data rows");
        return (rows, columns - 1);
    }

    /// <summary>The non-blank lines after the header, once the first line has fixed the columns and the label.</summary>
    private static IEnumerable<(string Cells, int Line)> DataLines(string path, int? labelColumn, Action<int, int> shape)
    {
        bool first = true;
        foreach (var (text, line) in TextFile.Lines(path))
        {
            string row = text.Trim();
            if (row.Length == 0) continue;
            if (first)
            {
                first = false;
                int columns = CountCells(row);
                int label = labelColumn ?? columns - 1;
                if (label < 0 || label >= columns)
                    throw new DataFormatException(path, line,
                        $"label column {label} does not exist: rows have {columns} columns (0..{columns - 1})");
                if (columns < 2) throw new DataFormatException(path, line, "a row needs at least one feature and a label");
                shape(columns, label);
                if (IsHeader(row)) continue;
            }
            yield return (row, line);
        }
    }

    private static int CountCells(ReadOnlySpan<char> row) => row.Count(',') + 1;

    private static bool IsHeader(ReadOnlySpan<char> row)
    {
        foreach (var range in row.Split(','))
            if (NumberParser.IsNumber(row[range])) return false;
        return true;
    }
}
