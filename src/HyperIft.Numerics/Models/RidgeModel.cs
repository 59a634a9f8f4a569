namespace HyperIft.Numerics.Models;

/// <summary>Least squares: ℓ = ½ (y − z)².</summary>
public sealed class RidgeModel(int features, bool intercept = true) : ScalarModel(features, intercept)
{
    public override string Name => "ridge";

    public override string? LabelError(double y) => double.IsFinite(y) ? null : $"label {y} is not a finite number";

    public override (double Loss, double D1, double D2) Pointwise(double z, double y)
    {
        double r = z - y;
        return (0.5 * r * r, r, 1.0);
    }
}
