using System.Text.RegularExpressions;

namespace HyperIft.Abstractions;

/// <summary>
/// Hides secrets in anything that may be printed or logged: a Redis connection string's password
/// (and user), wherever it appears inside a longer text.
/// </summary>
public static partial class Redaction
{
    public const string Mask = "***";

    /// <summary>"host:6379,password=s3cret,ssl=true" → "host:6379,password=***,ssl=true".</summary>
    public static string Redact(string? text) =>
        text is null ? "" : Secret().Replace(text, m => $"{m.Groups["key"].Value}={Mask}");

    // A value runs to the next comma, StackExchange.Redis's only separator (spaces and quotes may be part of it).

    [GeneratedRegex(@"\b(?<key>password|pwd|user)\s*=[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();
}
