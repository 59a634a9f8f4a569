using System.Globalization;

namespace HyperIft.Data;

/// <summary>Parses one finite number of a text format, or says precisely why not.</summary>
internal static class NumberParser
{
    public static double Parse(ReadOnlySpan<char> cell, string file, long line, string what)
    {
        var trimmed = cell.Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DataFormatException(file, line,
                trimmed.IsEmpty ? $"{what} is empty" : $"{what} '{trimmed}' is not a number");
        if (!double.IsFinite(value))
            throw new DataFormatException(file, line, $"{what} '{trimmed}' is {(double.IsNaN(value) ? "NaN" : "infinite")}");
        return value;
    }

    public static bool IsNumber(ReadOnlySpan<char> cell) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
