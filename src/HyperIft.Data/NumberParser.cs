using System.Globalization;

namespace HyperIft.Data;

/// <summary>Parses one finite number of a text format, or says precisely why not.</summary>
internal static class NumberParser
{
    /// <param name="allowNonFinite">Accept NaN and ±∞ (for inspecting a file, never for computing on it).</param>
    public static double Parse(ReadOnlySpan<char> cell, string file, long line, string what, bool allowNonFinite = false)
    {
        var trimmed = cell.Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && !NonFinite(trimmed, out value))
            throw new DataFormatException(file, line,
                trimmed.IsEmpty ? $"{what} is empty" : $"{what} '{trimmed}' is not a number");
        if (!double.IsFinite(value) && !allowNonFinite)
            throw new DataFormatException(file, line, $"{what} '{trimmed}' is {(double.IsNaN(value) ? "NaN" : "infinite")}");
        return value;
    }

    /// <summary>The spellings other tools write for NaN and ±∞ (numpy: nan, inf), which .NET does not parse.</summary>
    private static bool NonFinite(ReadOnlySpan<char> text, out double value)
    {
        bool negative = text.StartsWith("-");
        var body = text.TrimStart("+-");
        value = body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase)
            ? negative ? double.NegativeInfinity : double.PositiveInfinity
            : body.Equals("nan", StringComparison.OrdinalIgnoreCase) ? double.NaN : 0;
        return value != 0;
    }

    public static bool IsNumber(ReadOnlySpan<char> cell) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
