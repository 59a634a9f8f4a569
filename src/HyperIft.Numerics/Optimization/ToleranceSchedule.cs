namespace HyperIft.Numerics.Optimization;

/// <summary>
/// HOAG-style tolerances (Pedregosa 2016): loose inner and CG solves while λ is far from optimal,
/// tightening geometrically with the outer step k: tol_k = max(final, initial · decay^k).
/// <see cref="Constant"/> uses the final tolerances from the first step.
/// </summary>
public sealed record ToleranceSchedule(double Initial, double Decay)
{
    public static readonly ToleranceSchedule Constant = new(0, 0);

    public double At(int step, double final) =>
        Initial <= 0 ? final : Math.Max(final, Initial * Math.Pow(Decay, step));
}
