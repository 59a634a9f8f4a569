using System.Diagnostics;

namespace HyperIft.Numerics;

/// <summary>
/// Spans of the numerical work (inner solve, linear solve) under the ActivitySource "HyperIft".
/// Plain System.Diagnostics: the numerics know nothing of where they run; a host that listens
/// (OpenTelemetry) sees them nested under its own spans.
/// </summary>
public static class NumericsActivity
{
    public const string SourceName = "HyperIft";
    public static readonly ActivitySource Source = new(SourceName);
}
