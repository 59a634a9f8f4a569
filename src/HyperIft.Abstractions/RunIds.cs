using System.Text.RegularExpressions;

namespace HyperIft.Abstractions;

/// <summary>
/// A run id names a grain, a results folder and lines of console output, so it is kept to a safe
/// set: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters.
/// </summary>
public static partial class RunIds
{
    public const int MaxLength = 128;

    /// <summary>The reason <paramref name="runId"/> is not a valid run id, or null when it is.</summary>
    public static string? Problem(string runId)
    {
        if (runId.Length == 0) return "a run id cannot be empty";
        if (runId.Length > MaxLength) return $"a run id has at most {MaxLength} characters, this one {runId.Length}";
        return Safe().IsMatch(runId)
            ? null
            : $"run id '{Printable(runId)}' may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit";
    }

    /// <summary>Control and other invisible characters shown as \uXXXX, so an id never reaches a terminal raw.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || char.IsWhiteSpace(c) && c != ' ' ? $"\\u{(int)c:X4}" : c.ToString()));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Safe();
}
