using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperIft.Numerics.Models;

/// <summary>
/// The softmax kernels over four consecutive dense rows at a time, register-tiled over four rows and
/// four classes with 512-bit vectors where the machine has them (else two <see cref="PairKernels"/>
/// calls). Four rows halve the passes over the C×p output that <see cref="Accumulate"/> reads and
/// writes (a Fashion-MNIST output is 62 KB, beyond L1), and a 4×4 tile keeps 16 accumulators busy
/// for 8 loads. Each row's score is its own sum over features, and rows are added to the output one
/// after another in row order, so results do not depend on how rows fall into quads or shards.
/// </summary>
internal static class QuadKernels
{
    /// <summary>Rows a call takes.</summary>
    public const int Rows = 4;

    private static bool Use512 => Vector512.IsHardwareAccelerated;

    /// <summary>z[r·C + c] = M_c · x_r for the four rows of <paramref name="x"/> (4·p values, row-major), M class-major (C × p).</summary>
    public static void Scores(ReadOnlySpan<double> x, ReadOnlySpan<double> m, Span<double> z)
    {
        int k = m.Length / (x.Length / Rows), p = x.Length / Rows;
        if (!Use512)
        {
            PairKernels.Scores(x.Slice(0, p), x.Slice(p, p), m, z.Slice(0, k), z.Slice(k, k));
            PairKernels.Scores(x.Slice(2 * p, p), x.Slice(3 * p, p), m, z.Slice(2 * k, k), z.Slice(3 * k, k));
            return;
        }
        int c = 0;
        for (; c + 4 <= k; c += 4) Scores4x4(x, m, p, k, c, z);
        for (; c < k; c++) Scores4x1(x, m, p, k, c, z);
    }

    /// <summary>out_c += Σ_r r[r·C + c]·x_r for every class c, rows added in order, out class-major (C × p).</summary>
    public static void Accumulate(ReadOnlySpan<double> x, ReadOnlySpan<double> r, Span<double> output)
    {
        int p = x.Length / Rows, k = r.Length / Rows;
        if (!Use512)
        {
            PairKernels.Accumulate(x.Slice(0, p), x.Slice(p, p), r.Slice(0, k), r.Slice(k, k), output);
            PairKernels.Accumulate(x.Slice(2 * p, p), x.Slice(3 * p, p), r.Slice(2 * k, k), r.Slice(3 * k, k), output);
            return;
        }
        int c = 0;
        for (; c + 2 <= k; c += 2) Accumulate4x2(x, r, output, p, k, c);
        for (; c < k; c++) Accumulate4x1(x, r, output, p, k, c);
    }

    private static void Scores4x4(ReadOnlySpan<double> x, ReadOnlySpan<double> m, int p, int k, int c, Span<double> z)
    {
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double x1 = ref Unsafe.Add(ref x0, p);
        ref double x2 = ref Unsafe.Add(ref x1, p);
        ref double x3 = ref Unsafe.Add(ref x2, p);
        ref double m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), c * p);
        ref double m1 = ref Unsafe.Add(ref m0, p);
        ref double m2 = ref Unsafe.Add(ref m1, p);
        ref double m3 = ref Unsafe.Add(ref m2, p);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default; // row 0, classes c..c+3
        Vector512<double> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector512<double> d0 = default, d1 = default, d2 = default, d3 = default;
        Vector512<double> e0 = default, e1 = default, e2 = default, e3 = default;
        int f = 0;
        for (; f + 8 <= p; f += 8)
        {
            var v0 = Vector512.LoadUnsafe(ref x0, (nuint)f);
            var v1 = Vector512.LoadUnsafe(ref x1, (nuint)f);
            var v2 = Vector512.LoadUnsafe(ref x2, (nuint)f);
            var v3 = Vector512.LoadUnsafe(ref x3, (nuint)f);
            var w = Vector512.LoadUnsafe(ref m0, (nuint)f);
            a0 = Vector512.FusedMultiplyAdd(w, v0, a0); b0 = Vector512.FusedMultiplyAdd(w, v1, b0);
            d0 = Vector512.FusedMultiplyAdd(w, v2, d0); e0 = Vector512.FusedMultiplyAdd(w, v3, e0);
            w = Vector512.LoadUnsafe(ref m1, (nuint)f);
            a1 = Vector512.FusedMultiplyAdd(w, v0, a1); b1 = Vector512.FusedMultiplyAdd(w, v1, b1);
            d1 = Vector512.FusedMultiplyAdd(w, v2, d1); e1 = Vector512.FusedMultiplyAdd(w, v3, e1);
            w = Vector512.LoadUnsafe(ref m2, (nuint)f);
            a2 = Vector512.FusedMultiplyAdd(w, v0, a2); b2 = Vector512.FusedMultiplyAdd(w, v1, b2);
            d2 = Vector512.FusedMultiplyAdd(w, v2, d2); e2 = Vector512.FusedMultiplyAdd(w, v3, e2);
            w = Vector512.LoadUnsafe(ref m3, (nuint)f);
            a3 = Vector512.FusedMultiplyAdd(w, v0, a3); b3 = Vector512.FusedMultiplyAdd(w, v1, b3);
            d3 = Vector512.FusedMultiplyAdd(w, v2, d3); e3 = Vector512.FusedMultiplyAdd(w, v3, e3);
        }
        Span<double> s = stackalloc double[16];
        s[0] = Vector512.Sum(a0); s[1] = Vector512.Sum(a1); s[2] = Vector512.Sum(a2); s[3] = Vector512.Sum(a3);
        s[4] = Vector512.Sum(b0); s[5] = Vector512.Sum(b1); s[6] = Vector512.Sum(b2); s[7] = Vector512.Sum(b3);
        s[8] = Vector512.Sum(d0); s[9] = Vector512.Sum(d1); s[10] = Vector512.Sum(d2); s[11] = Vector512.Sum(d3);
        s[12] = Vector512.Sum(e0); s[13] = Vector512.Sum(e1); s[14] = Vector512.Sum(e2); s[15] = Vector512.Sum(e3);
        for (; f < p; f++)
        {
            for (int j = 0; j < 4; j++)
            {
                double w = Unsafe.Add(ref m0, j * p + f);
                for (int row = 0; row < Rows; row++) s[row * 4 + j] += w * Unsafe.Add(ref x0, row * p + f);
            }
        }
        for (int row = 0; row < Rows; row++)
            for (int j = 0; j < 4; j++) z[row * k + c + j] = s[row * 4 + j];
    }

    private static void Scores4x1(ReadOnlySpan<double> x, ReadOnlySpan<double> m, int p, int k, int c, Span<double> z)
    {
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double x1 = ref Unsafe.Add(ref x0, p);
        ref double x2 = ref Unsafe.Add(ref x1, p);
        ref double x3 = ref Unsafe.Add(ref x2, p);
        ref double m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), c * p);
        Vector512<double> a = default, b = default, d = default, e = default;
        int f = 0;
        for (; f + 8 <= p; f += 8)
        {
            var w = Vector512.LoadUnsafe(ref m0, (nuint)f);
            a = Vector512.FusedMultiplyAdd(w, Vector512.LoadUnsafe(ref x0, (nuint)f), a);
            b = Vector512.FusedMultiplyAdd(w, Vector512.LoadUnsafe(ref x1, (nuint)f), b);
            d = Vector512.FusedMultiplyAdd(w, Vector512.LoadUnsafe(ref x2, (nuint)f), d);
            e = Vector512.FusedMultiplyAdd(w, Vector512.LoadUnsafe(ref x3, (nuint)f), e);
        }
        double s0 = Vector512.Sum(a), s1 = Vector512.Sum(b), s2 = Vector512.Sum(d), s3 = Vector512.Sum(e);
        for (; f < p; f++)
        {
            double w = Unsafe.Add(ref m0, f);
            s0 += w * Unsafe.Add(ref x0, f); s1 += w * Unsafe.Add(ref x1, f);
            s2 += w * Unsafe.Add(ref x2, f); s3 += w * Unsafe.Add(ref x3, f);
        }
        (z[c], z[k + c], z[2 * k + c], z[3 * k + c]) = (s0, s1, s2, s3);
    }

    private static void Accumulate4x2(ReadOnlySpan<double> x, ReadOnlySpan<double> r, Span<double> output, int p, int k, int c)
    {
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double x1 = ref Unsafe.Add(ref x0, p);
        ref double x2 = ref Unsafe.Add(ref x1, p);
        ref double x3 = ref Unsafe.Add(ref x2, p);
        ref double o0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), c * p);
        ref double o1 = ref Unsafe.Add(ref o0, p);
        var (r00, r10, r20, r30) = (Vector512.Create(r[c]), Vector512.Create(r[k + c]), Vector512.Create(r[2 * k + c]), Vector512.Create(r[3 * k + c]));
        var (r01, r11, r21, r31) = (Vector512.Create(r[c + 1]), Vector512.Create(r[k + c + 1]), Vector512.Create(r[2 * k + c + 1]), Vector512.Create(r[3 * k + c + 1]));
        int f = 0;
        for (; f + 8 <= p; f += 8)
        {
            var v0 = Vector512.LoadUnsafe(ref x0, (nuint)f);
            var v1 = Vector512.LoadUnsafe(ref x1, (nuint)f);
            var v2 = Vector512.LoadUnsafe(ref x2, (nuint)f);
            var v3 = Vector512.LoadUnsafe(ref x3, (nuint)f);
            var o = Vector512.LoadUnsafe(ref o0, (nuint)f);
            o = Vector512.FusedMultiplyAdd(r00, v0, o); o = Vector512.FusedMultiplyAdd(r10, v1, o);
            o = Vector512.FusedMultiplyAdd(r20, v2, o); o = Vector512.FusedMultiplyAdd(r30, v3, o);
            o.StoreUnsafe(ref o0, (nuint)f);
            o = Vector512.LoadUnsafe(ref o1, (nuint)f);
            o = Vector512.FusedMultiplyAdd(r01, v0, o); o = Vector512.FusedMultiplyAdd(r11, v1, o);
            o = Vector512.FusedMultiplyAdd(r21, v2, o); o = Vector512.FusedMultiplyAdd(r31, v3, o);
            o.StoreUnsafe(ref o1, (nuint)f);
        }
        for (; f < p; f++)
        {
            ref double t0 = ref Unsafe.Add(ref o0, f);
            ref double t1 = ref Unsafe.Add(ref o1, f);
            for (int row = 0; row < Rows; row++)
            {
                double xf = Unsafe.Add(ref x0, row * p + f);
                t0 = Math.FusedMultiplyAdd(r[row * k + c], xf, t0);
                t1 = Math.FusedMultiplyAdd(r[row * k + c + 1], xf, t1);
            }
        }
    }

    private static void Accumulate4x1(ReadOnlySpan<double> x, ReadOnlySpan<double> r, Span<double> output, int p, int k, int c)
    {
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double o0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), c * p);
        var (q0, q1, q2, q3) = (Vector512.Create(r[c]), Vector512.Create(r[k + c]), Vector512.Create(r[2 * k + c]), Vector512.Create(r[3 * k + c]));
        int f = 0;
        for (; f + 8 <= p; f += 8)
        {
            var o = Vector512.LoadUnsafe(ref o0, (nuint)f);
            o = Vector512.FusedMultiplyAdd(q0, Vector512.LoadUnsafe(ref x0, (nuint)f), o);
            o = Vector512.FusedMultiplyAdd(q1, Vector512.LoadUnsafe(ref x0, (nuint)(p + f)), o);
            o = Vector512.FusedMultiplyAdd(q2, Vector512.LoadUnsafe(ref x0, (nuint)(2 * p + f)), o);
            o = Vector512.FusedMultiplyAdd(q3, Vector512.LoadUnsafe(ref x0, (nuint)(3 * p + f)), o);
            o.StoreUnsafe(ref o0, (nuint)f);
        }
        for (; f < p; f++)
        {
            ref double t = ref Unsafe.Add(ref o0, f);
            for (int row = 0; row < Rows; row++) t = Math.FusedMultiplyAdd(r[row * k + c], Unsafe.Add(ref x0, row * p + f), t);
        }
    }
}
