using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HyperIft.Numerics.LinearAlgebra;

/// <summary>
/// The register-tiled micro-kernels of <see cref="Gemm"/>: C[Mr×Nr] = (overwrite ? 0 : C) + Ã·B̃ over packed
/// slivers (Ã is kc×Mr with the Mr values of one k adjacent, B̃ is kc×Nr likewise). Each entry is summed
/// p = 0, 1, …, kc−1 into its own accumulator (one fused multiply-add a step) and added to C once at the end,
/// so the order is fixed by kc alone, whatever tile or thread the entry falls in.
/// </summary>
internal static unsafe class GemmKernels
{
    private static bool Use512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
    private static bool Use256 => Vector256.IsHardwareAccelerated && Avx.IsSupported && Fma.IsSupported;

    /// <summary>Rows of a micro-tile (and of a packed A sliver).</summary>
    public static int Mr => Use512 ? 8 : Use256 ? 6 : 4;

    /// <summary>Columns of a micro-tile (and of a packed B sliver).</summary>
    public static int Nr => Use512 ? 24 : Use256 ? 8 : 4;

    /// <summary>The kernel for this machine; <paramref name="c"/> must hold a full Mr×Nr tile at stride <paramref name="ldc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, double* a, double* b, double* c, nint ldc, bool overwrite)
    {
        if (Use512) Kernel8x24(kc, a, b, c, ldc, overwrite);
        else if (Use256) Kernel6x8(kc, a, b, c, ldc, overwrite);
        else Kernel4x4(kc, a, b, c, ldc, overwrite);
    }

    /// <summary>C[8×24] (+)= A sliver · B sliver with Vector512: 24 accumulators, 3 B loads and 8 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x24(int kc, double* a, double* b, double* c, nint ldc, bool overwrite)
    {
        // C's 24 cache lines are fetched while the k loop runs, not waited for at the end.
        for (int r = 0; r < 8; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 8);
            Sse.Prefetch0(c + r * ldc + 16);
        }
        Vector512<double> c00 = default, c01 = default, c02 = default;
        Vector512<double> c10 = default, c11 = default, c12 = default;
        Vector512<double> c20 = default, c21 = default, c22 = default;
        Vector512<double> c30 = default, c31 = default, c32 = default;
        Vector512<double> c40 = default, c41 = default, c42 = default;
        Vector512<double> c50 = default, c51 = default, c52 = default;
        Vector512<double> c60 = default, c61 = default, c62 = default;
        Vector512<double> c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var b2 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01); c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11); c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21); c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31); c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41); c42 = Avx512F.FusedMultiplyAdd(a4, b2, c42);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51); c52 = Avx512F.FusedMultiplyAdd(a5, b2, c52);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61); c62 = Avx512F.FusedMultiplyAdd(a6, b2, c62);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71); c72 = Avx512F.FusedMultiplyAdd(a7, b2, c72);
            a += 8;
            b += 24;
        }
        Store(c + 0 * ldc, c00, overwrite);
        Store(c + 0 * ldc + 8, c01, overwrite);
        Store(c + 0 * ldc + 16, c02, overwrite);
        Store(c + 1 * ldc, c10, overwrite);
        Store(c + 1 * ldc + 8, c11, overwrite);
        Store(c + 1 * ldc + 16, c12, overwrite);
        Store(c + 2 * ldc, c20, overwrite);
        Store(c + 2 * ldc + 8, c21, overwrite);
        Store(c + 2 * ldc + 16, c22, overwrite);
        Store(c + 3 * ldc, c30, overwrite);
        Store(c + 3 * ldc + 8, c31, overwrite);
        Store(c + 3 * ldc + 16, c32, overwrite);
        Store(c + 4 * ldc, c40, overwrite);
        Store(c + 4 * ldc + 8, c41, overwrite);
        Store(c + 4 * ldc + 16, c42, overwrite);
        Store(c + 5 * ldc, c50, overwrite);
        Store(c + 5 * ldc + 8, c51, overwrite);
        Store(c + 5 * ldc + 16, c52, overwrite);
        Store(c + 6 * ldc, c60, overwrite);
        Store(c + 6 * ldc + 8, c61, overwrite);
        Store(c + 6 * ldc + 16, c62, overwrite);
        Store(c + 7 * ldc, c70, overwrite);
        Store(c + 7 * ldc + 8, c71, overwrite);
        Store(c + 7 * ldc + 16, c72, overwrite);
    }

    /// <summary>C[6×8] (+)= A sliver · B sliver with Vector256 and FMA: 12 accumulators, 2 B loads and 6 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8(int kc, double* a, double* b, double* c, nint ldc, bool overwrite)
    {
        for (int r = 0; r < 6; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 4);
        }
        Vector256<double> c00 = default, c01 = default;
        Vector256<double> c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default;
        Vector256<double> c40 = default, c41 = default;
        Vector256<double> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40); c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50); c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 8;
        }
        Store(c + 0 * ldc, c00, overwrite);
        Store(c + 0 * ldc + 4, c01, overwrite);
        Store(c + 1 * ldc, c10, overwrite);
        Store(c + 1 * ldc + 4, c11, overwrite);
        Store(c + 2 * ldc, c20, overwrite);
        Store(c + 2 * ldc + 4, c21, overwrite);
        Store(c + 3 * ldc, c30, overwrite);
        Store(c + 3 * ldc + 4, c31, overwrite);
        Store(c + 4 * ldc, c40, overwrite);
        Store(c + 4 * ldc + 4, c41, overwrite);
        Store(c + 5 * ldc, c50, overwrite);
        Store(c + 5 * ldc + 4, c51, overwrite);
    }

    /// <summary>The portable kernel for machines without AVX: plain multiply then add, in the same order.</summary>
    private static void Kernel4x4(int kc, double* a, double* b, double* c, nint ldc, bool overwrite)
    {
        var acc = stackalloc double[16];
        for (int i = 0; i < 16; i++) acc[i] = 0;
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                double ar = a[r];
                for (int j = 0; j < 4; j++) acc[r * 4 + j] += ar * b[j];
            }
            a += 4;
            b += 4;
        }
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 4; j++)
                c[r * ldc + j] = overwrite ? acc[r * 4 + j] : c[r * ldc + j] + acc[r * 4 + j];
    }

    // Overwrite never reads C, so a NaN left there does not leak into the result.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(double* c, Vector512<double> sum, bool overwrite) =>
        (overwrite ? sum : Vector512.Load(c) + sum).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(double* c, Vector256<double> sum, bool overwrite) =>
        (overwrite ? sum : Vector256.Load(c) + sum).Store(c);
}
