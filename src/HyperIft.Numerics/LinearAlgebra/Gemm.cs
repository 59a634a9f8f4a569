using System.Runtime.InteropServices;

namespace HyperIft.Numerics.LinearAlgebra;

/// <summary>
/// Double-precision general matrix multiply on row-major matrices, in managed code: cache blocking with
/// packed A and B panels around the SIMD micro-kernels of <see cref="GemmKernels"/>, parallel over output
/// tiles. The result is bit-identical from call to call and whatever the thread count: the k dimension
/// is cut into equal blocks of at most Kc that depend on k alone (never across threads), and each output entry is summed in
/// that one order.
/// </summary>
public static unsafe class Gemm
{
    // An Mr×Kc sliver of A (16 KB) stays in L1 across a row of micro-tiles; a Kc×Nc block of B (≤ 1 MB) in L2.
    private const int Kc = 256;
    private const int Mc = 96;
    private const int Nc = 480;

    // Below this m·n·k the plain loop wins (no packing); above the second, threads repay their start-up.
    private const long SmallWork = 32_768;
    private const long ParallelWork = 2_000_000;

    /// <summary>
    /// C (m×n, leading dimension ldc) = (accumulate ? C : 0) + op(A)·op(B), where op(A) is m×k and op(B) is k×n.
    /// transposeA: A is stored k×m (lda ≥ m) and op(A) = Aᵀ; else A is stored m×k (lda ≥ k). Same for B
    /// (stored n×k when transposed, else k×n). With accumulate false, C is overwritten without being read.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand(nameof(a), a.Length, lda, transposeA ? k : m, transposeA ? m : k);
        CheckOperand(nameof(b), b.Length, ldb, transposeB ? n : k, transposeB ? k : n);
        CheckOperand(nameof(c), c.Length, ldc, m, n);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        if ((long)m * n * k < SmallWork)
        {
            Naive(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        fixed (double* pa = a, pb = b, pc = c)
        {
            new Blocked(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate).Run();
        }
    }

    private static void CheckOperand(string name, int length, int ld, int rows, int cols)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(name, $"The leading dimension {ld} is less than the row width {cols}.");
        if (rows > 0 && cols > 0 && length < (long)(rows - 1) * ld + cols)
            throw new ArgumentException($"{name} holds {length} values; a {rows}×{cols} matrix at stride {ld} needs {(long)(rows - 1) * ld + cols}.", name);
    }

    /// <summary>The small-shape path: one dot product an entry, summed p = 0…k−1 then added to C.</summary>
    private static void Naive(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate)
    {
        int aRow = transposeA ? 1 : lda, aCol = transposeA ? lda : 1;
        int bRow = transposeB ? 1 : ldb, bCol = transposeB ? ldb : 1;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
                ref double cij = ref c[i * ldc + j];
                cij = accumulate ? cij + sum : sum;
            }
    }

    /// <summary>
    /// One blocked product. C is cut into tiles (bands of rows × Nc columns) that run in parallel, each on its
    /// own, without a barrier: under a busy machine a late thread then delays only its own tiles. In a tile,
    /// outer to inner: Kc of k (a Kc×Nc block of B packed), Mc rows (an Mc×Kc block of A packed), micro-tiles.
    /// A class so the parallel body can reach the pinned operands (spans cannot be captured).
    /// </summary>
    private sealed class Blocked(bool transposeA, bool transposeB, int m, int n, int k,
        double* a, int lda, double* b, int ldb, double* c, int ldc, bool accumulate)
    {
        private readonly int _mr = GemmKernels.Mr, _nr = GemmKernels.Nr;
        private int _bandHeight, _columnBlocks;

        // k cut into equal blocks of at most Kc (784 → 4 × 196, not 3 × 256 + 16): a function of k alone,
        // so it fixes the summation order of every entry.
        private readonly int _kc = (k + (k + Kc - 1) / Kc - 1) / ((k + Kc - 1) / Kc);

        public void Run()
        {
            int threads = (long)m * n * k >= ParallelWork ? Environment.ProcessorCount : 1;
            // Up to four bands a thread (dynamic balance), none under 256 rows: each band packs all of B again.
            int perThread = Math.Clamp(m / (threads * 256), 1, 4);
            int bands = Math.Max(1, Math.Min(threads * perThread, m / _mr));
            _bandHeight = RoundUp((m + bands - 1) / bands, _mr);
            bands = (m + _bandHeight - 1) / _bandHeight;
            _columnBlocks = (n + Nc - 1) / Nc;
            int tiles = bands * _columnBlocks;
            if (threads > 1 && tiles > 1)
                Parallel.For(0, tiles, new ParallelOptions { MaxDegreeOfParallelism = threads }, Tile);
            else
                for (int t = 0; t < tiles; t++) Tile(t);
        }

        private void Tile(int t)
        {
            int i0 = t / _columnBlocks * _bandHeight, rows = Math.Min(_bandHeight, m - i0);
            int jc = t % _columnBlocks * Nc, nc = Math.Min(Nc, n - jc);
            double* packedB = Alloc((long)_kc * RoundUp(nc, _nr));
            double* packedA = Alloc((long)_kc * RoundUp(Math.Min(Mc, rows), _mr));
            try
            {
                for (int pc = 0; pc < k; pc += _kc)
                {
                    int kc = Math.Min(_kc, k - pc);
                    for (int jr = 0; jr < nc; jr += _nr) PackB(jc + jr, Math.Min(_nr, nc - jr), pc, kc, packedB + (long)jr * kc);
                    for (int ic = i0; ic < i0 + rows; ic += Mc)
                        RowBlock(ic, Math.Min(Mc, i0 + rows - ic), jc, nc, pc, kc, packedA, packedB);
                }
            }
            finally
            {
                NativeMemory.AlignedFree(packedA);
                NativeMemory.AlignedFree(packedB);
            }
        }

        /// <summary>Packs columns j0… (cols of them) of op(B), rows pc… as a kc×Nr sliver, zero-padded to Nr.</summary>
        private void PackB(int j0, int cols, int pc, int kc, double* dst)
        {
            int nr = _nr;
            if (!transposeB)
            {
                for (int p = 0; p < kc; p++, dst += nr)
                {
                    double* src = b + (long)(pc + p) * ldb + j0;
                    int j = 0;
                    for (; j < cols; j++) dst[j] = src[j];
                    for (; j < nr; j++) dst[j] = 0;
                }
            }
            else
            {
                // B is stored n×k: read each row of it along k, write down the sliver.
                for (int j = 0; j < nr; j++)
                {
                    if (j < cols)
                    {
                        double* src = b + (long)(j0 + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) dst[p * nr + j] = src[p];
                    }
                    else for (int p = 0; p < kc; p++) dst[p * nr + j] = 0;
                }
            }
        }

        /// <summary>Packs rows i0… (mc of them) of op(A) into Mr-row slivers, then runs the micro-kernel over C[i0…, jc…].</summary>
        private void RowBlock(int i0, int mc, int jc, int nc, int pc, int kc, double* packedA, double* packedB)
        {
            int mr = _mr, nr = _nr;
            for (int ir = 0; ir < mc; ir += mr) PackA(i0 + ir, Math.Min(mr, mc - ir), pc, kc, packedA + (long)ir * kc);

            // The first k block writes C when not accumulating: C is never read then, so NaN there is overwritten.
            bool overwrite = pc == 0 && !accumulate;
            double* tile = stackalloc double[mr * nr];
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                double* aSliver = packedA + (long)ir * kc;
                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    double* bSliver = packedB + (long)jr * kc;
                    double* cTile = c + (long)(i0 + ir) * ldc + jc + jr;
                    if (rows == mr && cols == nr)
                    {
                        GemmKernels.Run(kc, aSliver, bSliver, cTile, ldc, overwrite);
                        continue;
                    }
                    // An edge tile: the full tile into scratch, then C gets the same single addition.
                    GemmKernels.Run(kc, aSliver, bSliver, tile, nr, overwrite: true);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < cols; j++)
                        {
                            double* cij = cTile + (long)r * ldc + j;
                            *cij = overwrite ? tile[r * nr + j] : *cij + tile[r * nr + j];
                        }
                }
            }
        }

        /// <summary>Rows i0… of op(A), columns pc… as a kc×Mr sliver (the Mr values of one k adjacent), zero-padded.</summary>
        private void PackA(int i0, int rows, int pc, int kc, double* dst)
        {
            int mr = _mr;
            if (transposeA)
            {
                // A is stored k×m: the sliver's Mr values for one k are contiguous in memory.
                for (int p = 0; p < kc; p++, dst += mr)
                {
                    double* src = a + (long)(pc + p) * lda + i0;
                    int r = 0;
                    for (; r < rows; r++) dst[r] = src[r];
                    for (; r < mr; r++) dst[r] = 0;
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    if (r < rows)
                    {
                        double* src = a + (long)(i0 + r) * lda + pc;
                        for (int p = 0; p < kc; p++) dst[p * mr + r] = src[p];
                    }
                    else for (int p = 0; p < kc; p++) dst[p * mr + r] = 0;
                }
            }
        }

        // 64-byte aligned, so no vector load of a packed panel splits a cache line.
        private static double* Alloc(long count) => (double*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(double)), 64);

        private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
    }
}
