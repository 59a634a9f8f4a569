using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains;

/// <summary>The tolerance schedules a run can name.</summary>
public static class Schedules
{
    public static readonly string[] Names = ["constant", "hoag"];

    /// <summary>HOAG: inner and CG tolerances start at 1e-4 and shrink ×0.7 a step to their final values.</summary>
    public static readonly ToleranceSchedule Hoag = new(1e-4, 0.7);

    public static ToleranceSchedule Create(string name) => name switch
    {
        "constant" => ToleranceSchedule.Constant,
        "hoag" => Hoag,
        _ => throw new ArgumentException($"unknown tolerance schedule '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
