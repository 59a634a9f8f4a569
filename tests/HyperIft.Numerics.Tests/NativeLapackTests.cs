using HyperIft.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The system's LAPACK eigensolver, used for the Kronecker preconditioner's Gram basis: the same
/// decomposition as MathNet's managed one, and found where the system has one (CI installs it).
/// </summary>
public class NativeLapackTests
{
    private const string DebianLapack = "/usr/lib/x86_64-linux-gnu/liblapack.so.3";

    [Fact]
    public void It_is_found_where_the_system_has_a_lapack()
    {
        if (Environment.GetEnvironmentVariable(NativeLapack.Switch) == "0")
            Assert.False(NativeLapack.Available, "switched off, yet used");
        else if (File.Exists(DebianLapack))
            Assert.True(NativeLapack.Available, $"{DebianLapack} exists but its dsyevd_ was not loaded");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(97)]
    [InlineData(300)]
    public void Its_eigendecomposition_reconstructs_the_matrix_and_agrees_with_managed_code(int n)
    {
        if (!NativeLapack.Available)
        {
            Assert.False(NativeLapack.TrySymmetricEigen(new double[n * n], n, out _, out _), "no LAPACK, yet an answer");
            Assert.False(File.Exists(DebianLapack) && Environment.GetEnvironmentVariable(NativeLapack.Switch) != "0");
            return;
        }
        var random = new Random(n);
        var g = Matrix<double>.Build.Dense(n + 5, n, (_, _) => random.NextDouble() - 0.4);
        var s = g.TransposeThisAndMultiply(g); // symmetric positive definite, with a spread of eigenvalues
        s = (s + s.Transpose()) * 0.5;
        Assert.True(NativeLapack.TrySymmetricEigen(s.ToRowMajorArray(), n, out var vectors, out var values));

        var u = Matrix<double>.Build.DenseOfRowMajor(n, n, vectors); // eigenvectors as columns
        var lambda = Matrix<double>.Build.DenseOfDiagonalArray(values);
        double scale = s.L2Norm();
        Assert.True((s * u - u * lambda).FrobeniusNorm() <= 1e-12 * n * scale, "S U = U Λ");
        Assert.True((u.TransposeThisAndMultiply(u) - Matrix<double>.Build.DenseIdentity(n)).FrobeniusNorm() <= 1e-12 * n, "UᵀU = I");
        var managed = s.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).Order().ToArray();
        TestProblems.AssertRelative(values.Order().ToArray(), managed, 1e-12, "eigenvalues against MathNet");
    }
}
