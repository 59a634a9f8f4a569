namespace HyperIft.Numerics.LinearAlgebra;

/// <summary>PLACEHOLDER (replaced by the blocked SIMD kernel): C = (accumulate ? C : 0) + op(A)·op(B), row-major.</summary>
public static class Gemm
{
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (!accumulate) row.Clear();
            for (int l = 0; l < k; l++)
            {
                double aik = transposeA ? a[l * lda + i] : a[i * lda + l];
                if (aik == 0) continue;
                if (!transposeB) Vec.Axpy(aik, b.Slice(l * ldb, n), row);
                else for (int j = 0; j < n; j++) row[j] += aik * b[j * ldb + l];
            }
        }
    }
}
