using System.Globalization;

namespace HyperIft.Data;

/// <summary>
/// The training rows known to be corrupted (<c>clean --truth FILE</c>, SPEC §9): one 0-based row
/// index of the training file per line, blank lines ignored, any order; a row given twice counts once.
/// </summary>
public static class TruthFile
{
    /// <summary>
    /// Reads the file; with <paramref name="trainRows"/>, also refuses a row outside the training set,
    /// which is the file's rows from <paramref name="firstRow"/> on (its [start:end] range).
    /// </summary>
    public static IReadOnlySet<int> Read(string path, int? trainRows = null, int firstRow = 0)
    {
        var rows = new HashSet<int>();
        foreach (var (text, line) in TextFile.Lines(path))
        {
            string value = text.Trim();
            if (value.Length == 0) continue;
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int row))
                throw new DataFormatException(path, line, $"'{Clip(value)}' is not a row index (a non-negative integer)");
            if (row < firstRow || row - firstRow >= trainRows)
                throw new DataFormatException(path, line, $"row {row} is out of range: the training set is rows {firstRow} to {firstRow + trainRows - 1} of its file");
            rows.Add(row);
        }
        return rows.Count > 0 ? rows : throw new DataFormatException(path, 0, "has no row indices");
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
