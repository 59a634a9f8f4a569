namespace HyperIft.Numerics.Models;

/// <summary>Binary logistic regression: ℓ = log(1 + exp(−s·z)), s = +1 for label 1, −1 for label 0 or −1.</summary>
public sealed class LogisticModel(int features, bool intercept = true) : ScalarModel(features, intercept)
{
    public override string Name => "logistic";

    public override string? LabelError(double y) =>
        y is 0.0 or 1.0 or -1.0 ? null : $"label {y} is not a binary label (0/1 or -1/+1)";

    public override (double Loss, double D1, double D2) Pointwise(double z, double y)
    {
        double s = y > 0 ? 1.0 : -1.0;
        double m = s * z;
        double sigNeg = Sigmoid(-m); // σ(−m) = probability of the wrong class
        return (Softplus(-m), -s * sigNeg, sigNeg * (1.0 - sigNeg));
    }

    /// <summary>log(1 + eᵗ) without overflow or cancellation.</summary>
    public static double Softplus(double t) => t > 0 ? t + Log1p.Of(Math.Exp(-t)) : Log1p.Of(Math.Exp(t));

    public static double Sigmoid(double t)
    {
        if (t >= 0) return 1.0 / (1.0 + Math.Exp(-t));
        double e = Math.Exp(t);
        return e / (1.0 + e);
    }
}
