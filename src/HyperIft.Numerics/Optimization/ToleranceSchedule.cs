namespace HyperIft.Numerics.Optimization;

/// <summary>
/// HOAG-style tolerances (Pedregosa 2016): loose inner and CG solves while λ is far from optimal,
/// tightening geometrically with the outer step k: tol_k = max(final, initial · decay^k).
/// <see cref="Constant"/> uses the final tolerances from the first step.
/// </summary>
public sealed record ToleranceSchedule(double Initial, double Decay)
{
    public static readonly ToleranceSchedule Constant = new(0, 0);

    /// <summary>HOAG: inner and CG tolerances start at 1e-4 and shrink ×0.7 a step to their final values.</summary>
    public static readonly ToleranceSchedule Hoag = new(1e-4, 0.7);

    public static readonly string[] Names = ["constant", "hoag"];

    public static ToleranceSchedule Named(string name) => name switch
    {
        "constant" => Constant,
        "hoag" => Hoag,
        _ => throw new ArgumentException($"unknown tolerance schedule '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    public double At(int step, double final) =>
        Initial <= 0 ? final : Math.Max(final, Initial * Math.Pow(Decay, step));
}
