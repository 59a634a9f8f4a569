using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperIft.Numerics.Models;

/// <summary>
/// The two inner loops of the softmax kernels, register-tiled over two rows and four classes:
/// each load of a row chunk serves four classes and each load of a weight chunk two rows, so the
/// kernels do about a third of the loads of one dot product (or axpy) per row and class.
/// </summary>
internal static class PairKernels
{
    /// <summary>za[c] = M_c · xa and zb[c] = M_c · xb, with M class-major (C × p).</summary>
    public static void Scores(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> m, Span<double> za, Span<double> zb)
    {
        int p = xa.Length, k = za.Length, c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 4 <= k; c += 4) Scores4(xa, xb, m, p, c, za, zb);
            for (; c + 2 <= k; c += 2) Scores2(xa, xb, m, p, c, za, zb);
        }
        for (; c < k; c++)
        {
            var row = m.Slice(c * p, p);
            za[c] = Vec.Dot(row, xa);
            zb[c] = Vec.Dot(row, xb);
        }
    }

    /// <summary>out_c += ra[c]·xa + rb[c]·xb for every class c, with out class-major (C × p).</summary>
    public static void Accumulate(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> ra, ReadOnlySpan<double> rb, Span<double> output)
    {
        int p = xa.Length, k = ra.Length, c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 4 <= k; c += 4) Accumulate4(xa, xb, ra, rb, output, p, c);
            for (; c + 2 <= k; c += 2) Accumulate2(xa, xb, ra, rb, output, p, c);
        }
        for (; c < k; c++)
        {
            var row = output.Slice(c * p, p);
            Vec.Axpy(ra[c], xa, row);
            Vec.Axpy(rb[c], xb, row);
        }
    }

    private static void Scores4(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> m, int p, int c, Span<double> za, Span<double> zb)
    {
        ref double a = ref MemoryMarshal.GetReference(xa);
        ref double b = ref MemoryMarshal.GetReference(xb);
        ref double m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), c * p);
        ref double m1 = ref Unsafe.Add(ref m0, p);
        ref double m2 = ref Unsafe.Add(ref m1, p);
        ref double m3 = ref Unsafe.Add(ref m2, p);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default;
        int f = 0;
        for (; f + 4 <= p; f += 4)
        {
            var va = Vector256.LoadUnsafe(ref a, (nuint)f);
            var vb = Vector256.LoadUnsafe(ref b, (nuint)f);
            var w = Vector256.LoadUnsafe(ref m0, (nuint)f);
            a0 = Vector256.FusedMultiplyAdd(w, va, a0);
            b0 = Vector256.FusedMultiplyAdd(w, vb, b0);
            w = Vector256.LoadUnsafe(ref m1, (nuint)f);
            a1 = Vector256.FusedMultiplyAdd(w, va, a1);
            b1 = Vector256.FusedMultiplyAdd(w, vb, b1);
            w = Vector256.LoadUnsafe(ref m2, (nuint)f);
            a2 = Vector256.FusedMultiplyAdd(w, va, a2);
            b2 = Vector256.FusedMultiplyAdd(w, vb, b2);
            w = Vector256.LoadUnsafe(ref m3, (nuint)f);
            a3 = Vector256.FusedMultiplyAdd(w, va, a3);
            b3 = Vector256.FusedMultiplyAdd(w, vb, b3);
        }
        double s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        double t0 = Vector256.Sum(b0), t1 = Vector256.Sum(b1), t2 = Vector256.Sum(b2), t3 = Vector256.Sum(b3);
        for (; f < p; f++)
        {
            double xaf = Unsafe.Add(ref a, f), xbf = Unsafe.Add(ref b, f);
            double w0 = Unsafe.Add(ref m0, f), w1 = Unsafe.Add(ref m1, f), w2 = Unsafe.Add(ref m2, f), w3 = Unsafe.Add(ref m3, f);
            s0 += w0 * xaf; s1 += w1 * xaf; s2 += w2 * xaf; s3 += w3 * xaf;
            t0 += w0 * xbf; t1 += w1 * xbf; t2 += w2 * xbf; t3 += w3 * xbf;
        }
        (za[c], za[c + 1], za[c + 2], za[c + 3]) = (s0, s1, s2, s3);
        (zb[c], zb[c + 1], zb[c + 2], zb[c + 3]) = (t0, t1, t2, t3);
    }

    private static void Scores2(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> m, int p, int c, Span<double> za, Span<double> zb)
    {
        ref double a = ref MemoryMarshal.GetReference(xa);
        ref double b = ref MemoryMarshal.GetReference(xb);
        ref double m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), c * p);
        ref double m1 = ref Unsafe.Add(ref m0, p);
        Vector256<double> a0 = default, a1 = default, b0 = default, b1 = default;
        int f = 0;
        for (; f + 4 <= p; f += 4)
        {
            var va = Vector256.LoadUnsafe(ref a, (nuint)f);
            var vb = Vector256.LoadUnsafe(ref b, (nuint)f);
            var w = Vector256.LoadUnsafe(ref m0, (nuint)f);
            a0 = Vector256.FusedMultiplyAdd(w, va, a0);
            b0 = Vector256.FusedMultiplyAdd(w, vb, b0);
            w = Vector256.LoadUnsafe(ref m1, (nuint)f);
            a1 = Vector256.FusedMultiplyAdd(w, va, a1);
            b1 = Vector256.FusedMultiplyAdd(w, vb, b1);
        }
        double s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), t0 = Vector256.Sum(b0), t1 = Vector256.Sum(b1);
        for (; f < p; f++)
        {
            double xaf = Unsafe.Add(ref a, f), xbf = Unsafe.Add(ref b, f), w0 = Unsafe.Add(ref m0, f), w1 = Unsafe.Add(ref m1, f);
            s0 += w0 * xaf; s1 += w1 * xaf; t0 += w0 * xbf; t1 += w1 * xbf;
        }
        (za[c], za[c + 1], zb[c], zb[c + 1]) = (s0, s1, t0, t1);
    }

    private static void Accumulate2(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> ra, ReadOnlySpan<double> rb,
        Span<double> output, int p, int c)
    {
        ref double a = ref MemoryMarshal.GetReference(xa);
        ref double b = ref MemoryMarshal.GetReference(xb);
        ref double o0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), c * p);
        ref double o1 = ref Unsafe.Add(ref o0, p);
        var (ra0, ra1, rb0, rb1) = (Vector256.Create(ra[c]), Vector256.Create(ra[c + 1]), Vector256.Create(rb[c]), Vector256.Create(rb[c + 1]));
        int f = 0;
        for (; f + 4 <= p; f += 4)
        {
            var va = Vector256.LoadUnsafe(ref a, (nuint)f);
            var vb = Vector256.LoadUnsafe(ref b, (nuint)f);
            Vector256.FusedMultiplyAdd(rb0, vb, Vector256.FusedMultiplyAdd(ra0, va, Vector256.LoadUnsafe(ref o0, (nuint)f))).StoreUnsafe(ref o0, (nuint)f);
            Vector256.FusedMultiplyAdd(rb1, vb, Vector256.FusedMultiplyAdd(ra1, va, Vector256.LoadUnsafe(ref o1, (nuint)f))).StoreUnsafe(ref o1, (nuint)f);
        }
        for (; f < p; f++)
        {
            double xaf = Unsafe.Add(ref a, f), xbf = Unsafe.Add(ref b, f);
            Unsafe.Add(ref o0, f) += ra[c] * xaf + rb[c] * xbf;
            Unsafe.Add(ref o1, f) += ra[c + 1] * xaf + rb[c + 1] * xbf;
        }
    }

    private static void Accumulate4(ReadOnlySpan<double> xa, ReadOnlySpan<double> xb, ReadOnlySpan<double> ra, ReadOnlySpan<double> rb,
        Span<double> output, int p, int c)
    {
        ref double a = ref MemoryMarshal.GetReference(xa);
        ref double b = ref MemoryMarshal.GetReference(xb);
        ref double o0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), c * p);
        ref double o1 = ref Unsafe.Add(ref o0, p);
        ref double o2 = ref Unsafe.Add(ref o1, p);
        ref double o3 = ref Unsafe.Add(ref o2, p);
        var (ra0, ra1, ra2, ra3) = (Vector256.Create(ra[c]), Vector256.Create(ra[c + 1]), Vector256.Create(ra[c + 2]), Vector256.Create(ra[c + 3]));
        var (rb0, rb1, rb2, rb3) = (Vector256.Create(rb[c]), Vector256.Create(rb[c + 1]), Vector256.Create(rb[c + 2]), Vector256.Create(rb[c + 3]));
        int f = 0;
        for (; f + 4 <= p; f += 4)
        {
            var va = Vector256.LoadUnsafe(ref a, (nuint)f);
            var vb = Vector256.LoadUnsafe(ref b, (nuint)f);
            Vector256.FusedMultiplyAdd(rb0, vb, Vector256.FusedMultiplyAdd(ra0, va, Vector256.LoadUnsafe(ref o0, (nuint)f))).StoreUnsafe(ref o0, (nuint)f);
            Vector256.FusedMultiplyAdd(rb1, vb, Vector256.FusedMultiplyAdd(ra1, va, Vector256.LoadUnsafe(ref o1, (nuint)f))).StoreUnsafe(ref o1, (nuint)f);
            Vector256.FusedMultiplyAdd(rb2, vb, Vector256.FusedMultiplyAdd(ra2, va, Vector256.LoadUnsafe(ref o2, (nuint)f))).StoreUnsafe(ref o2, (nuint)f);
            Vector256.FusedMultiplyAdd(rb3, vb, Vector256.FusedMultiplyAdd(ra3, va, Vector256.LoadUnsafe(ref o3, (nuint)f))).StoreUnsafe(ref o3, (nuint)f);
        }
        for (; f < p; f++)
        {
            double xaf = Unsafe.Add(ref a, f), xbf = Unsafe.Add(ref b, f);
            Unsafe.Add(ref o0, f) += ra[c] * xaf + rb[c] * xbf;
            Unsafe.Add(ref o1, f) += ra[c + 1] * xaf + rb[c + 1] * xbf;
            Unsafe.Add(ref o2, f) += ra[c + 2] * xaf + rb[c + 2] * xbf;
            Unsafe.Add(ref o3, f) += ra[c + 3] * xaf + rb[c + 3] * xbf;
        }
    }
}
