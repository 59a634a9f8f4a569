using System.Globalization;

namespace HyperIft.Data;

/// <summary>
/// The training rows known to be corrupted (<c>clean --truth FILE</c>, SPEC §9): one 0-based row
/// index per line, blank lines ignored, any order; a row given twice counts once.
/// </summary>
public static class TruthFile
{
    /// <summary>Reads the file; with <paramref name="trainRows"/>, also refuses an index beyond the training set.</summary>
    public static IReadOnlySet<int> Read(string path, int? trainRows = null)
    {
        var rows = new HashSet<int>();
        foreach (var (text, line) in TextFile.Lines(path))
        {
            string value = text.Trim();
            if (value.Length == 0) continue;
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int row))
                throw new DataFormatException(path, line, $"'{Clip(value)}' is not a row index (a non-negative integer)");
            if (row >= trainRows)
                throw new DataFormatException(path, line, $"row {row} is out of range: the training set has {trainRows} rows (0 to {trainRows - 1})");
            rows.Add(row);
        }
        return rows.Count > 0 ? rows : throw new DataFormatException(path, 0, "has no row indices");
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
