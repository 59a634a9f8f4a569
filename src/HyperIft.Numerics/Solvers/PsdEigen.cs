using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Solvers;

/// <summary>
/// The eigenbasis of a symmetric positive semi-definite matrix, as flat arrays: vectors row-major with
/// the eigenvectors as columns, and eigenvalues clamped at 0 (a negative one is rounding).
/// </summary>
internal static class PsdEigen
{
    public static (double[] Vectors, double[] Values) Of(Matrix<double> symmetric)
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
