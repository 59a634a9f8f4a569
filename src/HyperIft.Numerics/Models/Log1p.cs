namespace HyperIft.Numerics.Models;

/// <summary>Accurate log(1 + x) for small x (.NET's LogP1 is log(x + 1), which loses every digit below 1e-16).</summary>
internal static class Log1p
{
    // Goldberg's trick: the rounding error of u = 1 + x cancels in x / (u − 1).
    public static double Of(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
