using System.Runtime.InteropServices;

namespace HyperIft.Numerics.LinearAlgebra;

/// <summary>
/// The system's LAPACK, if it has one (Debian's liblapack.so.3: OpenBLAS's with libopenblas0), found at run
/// time and used for the one operation where managed code is far behind: the symmetric eigendecomposition of
/// the Kronecker preconditioner's p×p Gram matrix, redone at every λ of a per-feature L2 (784×784: ~0.1 s
/// against ~1 s in MathNet's managed solver). Without it, or with HYPERIFT_NATIVE_LAPACK=0, callers use
/// managed code; the two agree to rounding, and the preconditioner only steers CG.
/// </summary>
public static unsafe class NativeLapack
{
    /// <summary>The variable that turns the native path off (value 0), to compare the two.</summary>
    public const string Switch = "HYPERIFT_NATIVE_LAPACK";

    private static readonly string[] Libraries = ["liblapack.so.3", "liblapack.so", "liblapack.dylib", "liblapack.dll"];

    // LAPACK's Fortran dsyevd: every argument by reference; the two trailing lengths are the hidden
    // lengths of the CHARACTER arguments that gfortran-built libraries expect.
    private static readonly delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void> Dsyevd = Load();

    /// <summary>Whether a native dsyevd was found (and not switched off).</summary>
    public static bool Available => Dsyevd != null;

    /// <summary>
    /// Eigenvalues (ascending) and eigenvectors of a symmetric n×n matrix (row-major; only symmetric input is
    /// meaningful, so row- and column-major are the same). Vectors come back row-major with the eigenvectors
    /// as columns. False when there is no native LAPACK or it reports a failure to converge.
    /// </summary>
    public static bool TrySymmetricEigen(double[] symmetric, int n, out double[] vectors, out double[] values)
    {
        vectors = values = [];
        if (Dsyevd == null || symmetric.Length != (long)n * n || n == 0) return false;
        var a = (double[])symmetric.Clone(); // overwritten by the eigenvectors, one a column (column-major)
        var w = new double[n];
        int lwork = 1 + 6 * n + 2 * n * n, liwork = 3 + 5 * n, info = 0, lda = n, order = n;
        var work = new double[lwork];
        var iwork = new int[liwork];
        byte jobz = (byte)'V', uplo = (byte)'L';
        fixed (double* pa = a, pw = w, pwork = work)
        fixed (int* piwork = iwork)
            Dsyevd(&jobz, &uplo, &order, pa, &lda, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
        if (info != 0) return false;
        vectors = new double[a.Length];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) vectors[i * n + j] = a[j * n + i];
        values = w;
        return true;
    }

    private static delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void> Load()
    {
        if (Environment.GetEnvironmentVariable(Switch) == "0") return null;
        foreach (var name in Libraries)
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "dsyevd_", out var address))
                return (delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void>)address;
        return null;
    }
}
