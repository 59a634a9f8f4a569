using HyperIft.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Solvers;

/// <summary>
/// The eigenbasis of a symmetric positive semi-definite matrix, as flat arrays: vectors row-major with
/// the eigenvectors as columns, and eigenvalues clamped at 0 (a negative one is rounding).
/// </summary>
internal static class PsdEigen
{
    /// <summary>From this order on, the system's LAPACK is used when there is one (<see cref="NativeLapack"/>).</summary>
    private const int NativeFrom = 64;

    /// <param name="symmetric">n×n, row-major.</param>
    public static (double[] Vectors, double[] Values) Of(double[] symmetric, int n)
    {
        if (n >= NativeFrom && NativeLapack.TrySymmetricEigen(symmetric, n, out var vectors, out var values))
        {
            for (int j = 0; j < n; j++) values[j] = Math.Max(0, values[j]);
            return (vectors, values);
        }
        return Managed(Matrix<double>.Build.DenseOfRowMajor(n, n, symmetric));
    }

    /// <summary>MathNet's managed solver (Householder tridiagonalization, then QL).</summary>
    private static (double[] Vectors, double[] Values) Managed(Matrix<double> symmetric)
    {
        int n = symmetric.RowCount;
        var evd = symmetric.Evd(Symmetricity.Symmetric);
        var vectors = new double[n * n];
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            values[j] = Math.Max(0, evd.EigenValues[j].Real);
            for (int i = 0; i < n; i++) vectors[i * n + j] = evd.EigenVectors[i, j];
        }
        return (vectors, values);
    }
}
