namespace HyperIft.Numerics.Solvers;

/// <summary>A + δI: what <c>--damping δ</c> solves with where the Hessian at θ* is not positive definite (SPEC §7).</summary>
public sealed class DampedOperator(ILinearOperator inner, double damping) : ILinearOperator
{
    public double Damping { get; } = damping > 0 ? damping : throw new ArgumentOutOfRangeException(nameof(damping), "damping must be positive");

    public int Dimension => inner.Dimension;

    public async ValueTask<double[]> Apply(double[] x, CancellationToken ct = default)
    {
        var ax = await inner.Apply(x, ct);
        Vec.Axpy(Damping, x, ax);
        return ax;
    }

    public ValueTask<KroneckerPreconditioner> Kronecker(double shift, CancellationToken ct = default) => inner.Kronecker(shift + Damping, ct);

    public async ValueTask<double[]> Diagonal(CancellationToken ct = default)
    {
        var d = await inner.Diagonal(ct);
        for (int i = 0; i < d.Length; i++) d[i] += Damping;
        return d;
    }
}
