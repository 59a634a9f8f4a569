namespace HyperIft.Numerics.Solvers;

/// <summary>Estimates the largest eigenvalue of a symmetric positive semidefinite operator.</summary>
public static class PowerIteration
{
    public static async ValueTask<double> LargestEigenvalue(ILinearOperator a, int iterations, CancellationToken ct = default)
    {
        // A fixed, non-special start vector keeps runs reproducible.
        var x = new double[a.Dimension];
        for (int i = 0; i < x.Length; i++) x[i] = 1.0 + 0.01 * ((i * 7919) % 101);
        Vec.Scale(1.0 / Vec.Norm(x), x);
        double estimate = 0;
        for (int k = 0; k < iterations; k++)
        {
            var ax = await a.Apply(x, ct);
            estimate = Vec.Dot(x, ax); // Rayleigh quotient
            double norm = Vec.Norm(ax);
            if (norm == 0) return 0;
            Vec.Scale(1.0 / norm, ax);
            x = ax;
        }
        return estimate;
    }
}
