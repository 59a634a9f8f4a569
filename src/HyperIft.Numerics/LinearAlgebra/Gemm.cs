using System.Runtime.InteropServices;

namespace HyperIft.Numerics.LinearAlgebra;

/// <summary>
/// Double-precision general matrix multiply on row-major matrices, in managed code: cache blocking with
/// packed A and B panels around the SIMD micro-kernels of <see cref="GemmKernels"/>, parallel over output
/// row blocks. The result is bit-identical from call to call and whatever the thread count: the k dimension
/// is cut into fixed blocks of <see cref="Kc"/> (never across threads), and each output entry is summed in
/// that one order.
/// </summary>
public static unsafe class Gemm
{
    // Kc·Nr·8 bytes of B and Mr·Kc of A stream through L1 per micro-tile; a Kc×Nc B block (≤ 1 MB) stays in L2.
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
    /// One blocked product. Loops, outer to inner: Nc columns of C, Kc of k (B block packed once, shared by the
    /// threads), row blocks of C (each packs its own A block; these are what run in parallel), then micro-tiles.
    /// A class so the parallel body can reach the pinned operands (spans cannot be captured).
    /// </summary>
    private sealed class Blocked(bool transposeA, bool transposeB, int m, int n, int k,
        double* a, int lda, double* b, int ldb, double* c, int ldc, bool accumulate)
    {
        private readonly int _mr = GemmKernels.Mr, _nr = GemmKernels.Nr;
        private readonly int _threads = (long)m * n * k >= ParallelWork ? Environment.ProcessorCount : 1;
        private double* _packedB;
        private int _jc, _nc, _pc, _kc, _rowBlock;

        public void Run()
        {
            // Row blocks a multiple of the thread count and of near-equal height, so no core idles at the end.
            int blocks = (m + Mc - 1) / Mc;
            blocks = (blocks + _threads - 1) / _threads * _threads;
            _rowBlock = RoundUp((m + blocks - 1) / blocks, _mr);
            int rowBlocks = (m + _rowBlock - 1) / _rowBlock;
            bool parallel = _threads > 1 && rowBlocks > 1;

            int ncMax = RoundUp(Math.Min(n, Nc), _nr);
            _packedB = Alloc((long)Kc * ncMax);
            try
            {
                for (_jc = 0; _jc < n; _jc += Nc)
                {
                    _nc = Math.Min(Nc, n - _jc);
                    for (_pc = 0; _pc < k; _pc += Kc)
                    {
                        _kc = Math.Min(Kc, k - _pc);
                        int slivers = (_nc + _nr - 1) / _nr;
                        if (parallel && slivers > 1) Parallel.For(0, slivers, PackB);
                        else for (int s = 0; s < slivers; s++) PackB(s);

                        if (parallel)
                            Parallel.For(0, rowBlocks, () => (nint)Alloc((long)_rowBlock * Kc),
                                (block, _, packedA) => { RowBlock(block, (double*)packedA); return packedA; },
                                packedA => NativeMemory.AlignedFree((void*)packedA));
                        else
                        {
                            var packedA = Alloc((long)_rowBlock * Kc);
                            try
                            {
                                for (int block = 0; block < rowBlocks; block++) RowBlock(block, packedA);
                            }
                            finally { NativeMemory.AlignedFree(packedA); }
                        }
                    }
                }
            }
            finally { NativeMemory.AlignedFree(_packedB); }
        }

        /// <summary>Packs columns s·Nr… of the current op(B) block as a kc×Nr sliver, zero-padded past n.</summary>
        private void PackB(int s)
        {
            int nr = _nr, j0 = _jc + s * nr, cols = Math.Min(nr, _jc + _nc - j0);
            double* dst = _packedB + (long)s * nr * _kc;
            if (!transposeB)
            {
                for (int p = 0; p < _kc; p++, dst += nr)
                {
                    double* src = b + (long)(_pc + p) * ldb + j0;
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
                        double* src = b + (long)(j0 + j) * ldb + _pc;
                        for (int p = 0; p < _kc; p++) dst[p * nr + j] = src[p];
                    }
                    else for (int p = 0; p < _kc; p++) dst[p * nr + j] = 0;
                }
            }
        }

        /// <summary>Packs the block's rows of op(A) into Mr-row slivers, then runs the micro-kernel over its tiles.</summary>
        private void RowBlock(int block, double* packedA)
        {
            int i0 = block * _rowBlock, mc = Math.Min(_rowBlock, m - i0);
            int mr = _mr, nr = _nr, kc = _kc;
            for (int ir = 0; ir < mc; ir += mr) PackA(i0 + ir, Math.Min(mr, mc - ir), packedA + (long)ir * kc);

            // The first k block writes C when not accumulating: C is never read then, so NaN there is overwritten.
            bool overwrite = _pc == 0 && !accumulate;
            double* tile = stackalloc double[mr * nr];
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                double* aSliver = packedA + (long)ir * kc;
                for (int jr = 0; jr < _nc; jr += nr)
                {
                    int cols = Math.Min(nr, _nc - jr);
                    double* bSliver = _packedB + (long)jr * kc;
                    double* cTile = c + (long)(i0 + ir) * ldc + _jc + jr;
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
        private void PackA(int i0, int rows, double* dst)
        {
            int mr = _mr, kc = _kc;
            if (transposeA)
            {
                // A is stored k×m: the sliver's Mr values for one k are contiguous in memory.
                for (int p = 0; p < kc; p++, dst += mr)
                {
                    double* src = a + (long)(_pc + p) * lda + i0;
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
                        double* src = a + (long)(i0 + r) * lda + _pc;
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
