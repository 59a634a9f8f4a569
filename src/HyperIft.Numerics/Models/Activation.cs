using System.Numerics.Tensors;

namespace HyperIft.Numerics.Models;

/// <summary>A hidden layer's activation a(u) (SPEC §7).</summary>
public enum Activation
{
    /// <summary>a(u) = tanh u.</summary>
    Tanh,

    /// <summary>a(u) = log(1 + eᵘ).</summary>
    Softplus,
}

/// <summary>
/// The activations and their first two derivatives, the derivatives written in terms of the output
/// z = a(u): a network then keeps only z per unit, and an HVP needs no second copy of u.
/// </summary>
public static class Activations
{
    public static IReadOnlyList<string> Names { get; } = ["tanh", "softplus"];

    public static string Name(this Activation a) => a == Activation.Tanh ? "tanh" : "softplus";

    public static Activation Parse(string name) => name switch
    {
        "tanh" => Activation.Tanh,
        "softplus" => Activation.Softplus,
        _ => throw new ArgumentException($"unknown activation '{name}' (expected tanh or softplus)"),
    };

    /// <summary>z ← a(z) in place.</summary>
    public static void Apply(this Activation a, Span<double> z)
    {
        if (a == Activation.Tanh)
        {
            TensorPrimitives.Tanh(z, z);
            return;
        }
        // log(1 + eᵘ) = max(u, 0) + log1p(e^{−|u|}): no overflow, full precision in both tails.
        for (int i = 0; i < z.Length; i++)
        {
            double u = z[i];
            z[i] = Math.Max(u, 0.0) + Log1p.Of(Math.Exp(-Math.Abs(u)));
        }
    }

    /// <summary>a'(u) from z = a(u).</summary>
    public static double First(this Activation a, double z) =>
        a == Activation.Tanh ? 1.0 - z * z : -Expm1(-z); // softplus' = σ(u) = 1 − e^{−z}

    /// <summary>a''(u) from z = a(u).</summary>
    public static double Second(this Activation a, double z)
    {
        if (a == Activation.Tanh) return -2.0 * z * (1.0 - z * z);
        double s = -Expm1(-z); // σ(1 − σ) with 1 − σ = e^{−z}
        return s * Math.Exp(-z);
    }

    /// <summary>eˣ − 1 accurate for small x (Kahan: the rounding of eˣ cancels in (u − 1)·x / log u).</summary>
    private static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }
}
