using System.Numerics.Tensors;

namespace HyperIft.Numerics;

/// <summary>Dense vector helpers over spans; SIMD through TensorPrimitives.</summary>
public static class Vec
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => TensorPrimitives.Dot(x, y);

    public static double Norm(ReadOnlySpan<double> x) => TensorPrimitives.Norm(x);

    /// <summary>y ← y + a·x.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.MultiplyAdd(x, a, y, y);

    /// <summary>y ← a·y + x.</summary>
    public static void Aypx(double a, ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.MultiplyAdd(y, a, x, y);

    public static void Scale(double a, Span<double> x) => TensorPrimitives.Multiply(x, a, x);

    public static double[] Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var r = new double[x.Length];
        TensorPrimitives.Subtract(x, y, r);
        return r;
    }

    public static void Add(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Add(x, y, y);

    public static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>‖x − y‖ / max(‖y‖, tiny): the relative error used throughout the tests and reports.</summary>
    public static double RelativeError(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double num = 0, den = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            num += d * d;
            den += y[i] * y[i];
        }
        return Math.Sqrt(num) / Math.Max(Math.Sqrt(den), double.Epsilon);
    }
}
