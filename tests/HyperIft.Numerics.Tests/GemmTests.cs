using HyperIft.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// Gemm against a plain triple loop (ordered sum) on awkward shapes, strides, transposes and accumulate modes,
/// plus the determinism the bit-identical resumes rely on.
/// </summary>
public class GemmTests
{
    private static readonly int[] Sizes = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 200];

    // Entries of the padding past each row's width: must come out exactly as they went in.
    private const double Sentinel = -12345.5;

    /// <summary>One product's operands, each stored with <paramref name="pad"/> extra columns of sentinel.</summary>
    private sealed class Case
    {
        public readonly bool TransposeA, TransposeB, Accumulate;
        public readonly int M, N, K, Lda, Ldb, Ldc;
        public readonly double[] A, B, C;

        public Case(bool transposeA, bool transposeB, int m, int n, int k, int pad, bool accumulate, int seed)
        {
            (TransposeA, TransposeB, M, N, K, Accumulate) = (transposeA, transposeB, m, n, k, accumulate);
            var random = new Random(seed);
            (A, Lda) = Matrix(random, transposeA ? k : m, transposeA ? m : k, pad);
            (B, Ldb) = Matrix(random, transposeB ? n : k, transposeB ? k : n, pad);
            (C, Ldc) = Matrix(random, m, n, pad);
        }

        private static (double[] Values, int Ld) Matrix(Random random, int rows, int cols, int pad)
        {
            int ld = Math.Max(1, cols + pad);
            var values = new double[Math.Max(0, rows * ld)];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < ld; j++)
                    values[i * ld + j] = j < cols ? 2 * random.NextDouble() - 1 : Sentinel;
            return (values, ld);
        }

        public double OpA(int i, int p) => TransposeA ? A[p * Lda + i] : A[i * Lda + p];
        public double OpB(int p, int j) => TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];

        public double[] Run()
        {
            var c = (double[])C.Clone();
            Gemm.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, Accumulate);
            return c;
        }

        /// <summary>Checks <paramref name="result"/> entry by entry against the ordered triple loop, and the padding.</summary>
        public void Check(double[] result, double tolerance = 1e-13)
        {
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    double c0 = Accumulate ? C[i * Ldc + j] : 0, sum = 0, scale = Math.Abs(c0);
                    for (int p = 0; p < K; p++)
                    {
                        sum += OpA(i, p) * OpB(p, j);
                        scale += Math.Abs(OpA(i, p) * OpB(p, j));
                    }
                    double expected = c0 + sum, actual = result[i * Ldc + j];
                    Assert.True(Math.Abs(actual - expected) <= tolerance * scale,
                        $"{Describe()}: C[{i},{j}] = {actual}, expected {expected}");
                }
                for (int j = N; j < Ldc; j++)
                    Assert.Equal(Sentinel, result[i * Ldc + j]);
            }
        }

        public string Describe() =>
            $"{(TransposeA ? "Aᵀ" : "A")}·{(TransposeB ? "Bᵀ" : "B")} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc} accumulate={Accumulate}";
    }

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Every_shape_with_a_0_or_1_matches_the_triple_loop(bool transposeA, bool transposeB)
    {
        int seed = 0;
        foreach (int m in Sizes)
            foreach (int n in Sizes)
                foreach (int k in Sizes)
                {
                    if (m > 1 && n > 1 && k > 1) continue;
                    var @case = new Case(transposeA, transposeB, m, n, k, pad: seed % 3, accumulate: seed % 2 == 0, seed);
                    @case.Check(@case.Run());
                    seed++;
                }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void A_sample_of_awkward_shapes_matches_the_triple_loop(bool transposeA, bool transposeB)
    {
        // 150 of the 16³ triples, drawn once, with tight and padded strides and both accumulate modes.
        var draw = new Random(7);
        for (int t = 0; t < 150; t++)
        {
            int m = Sizes[draw.Next(Sizes.Length)], n = Sizes[draw.Next(Sizes.Length)], k = Sizes[draw.Next(Sizes.Length)];
            var @case = new Case(transposeA, transposeB, m, n, k, pad: t % 2 == 0 ? 0 : 5, accumulate: t % 4 < 2, seed: 100 + t);
            @case.Check(@case.Run());
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void A_large_product_on_the_parallel_path_matches_the_triple_loop(bool transposeA, bool transposeB)
    {
        foreach (bool accumulate in new[] { false, true })
        {
            var @case = new Case(transposeA, transposeB, 700, 300, 500, pad: 3, accumulate, seed: 11);
            @case.Check(@case.Run());
        }
    }

    [Theory]
    [InlineData(5, 6, 7)]       // the small path
    [InlineData(70, 50, 40)]    // blocked, one thread
    [InlineData(300, 200, 500)] // blocked, parallel
    public void Without_accumulate_C_is_overwritten_even_where_it_held_NaN(int m, int n, int k)
    {
        var @case = new Case(false, true, m, n, k, pad: 2, accumulate: false, seed: 3);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                @case.C[i * @case.Ldc + j] = double.NaN;
        @case.Check(@case.Run());
    }

    [Fact]
    public void With_k_zero_C_is_cleared_or_kept()
    {
        double[] a = [], b = [], c = [double.NaN, 1, 2, 3];
        Gemm.Multiply(false, false, 2, 2, 0, a, 1, b, 2, c, 2, accumulate: true);
        Assert.Equal([double.NaN, 1, 2, 3], c);
        Gemm.Multiply(false, false, 2, 2, 0, a, 1, b, 2, c, 2, accumulate: false);
        Assert.Equal([0.0, 0, 0, 0], c);
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Repeated_calls_are_bit_identical_and_do_not_depend_on_the_threads(bool transposeA, bool transposeB)
    {
        var @case = new Case(transposeA, transposeB, 700, 300, 600, pad: 1, accumulate: true, seed: 5);
        var first = @case.Run();
        for (int repeat = 0; repeat < 3; repeat++)
            Assert.Equal(first, @case.Run());

        // Eight rows alone take the single-threaded blocked path; they must equal the parallel product's rows bit
        // for bit, since an entry's summation order depends on (m, n, k) blocking of k only, not on who computes it.
        const int row0 = 347, rows = 8;
        var aRows = @case.A.AsSpan(transposeA ? row0 : row0 * @case.Lda);
        var cRows = @case.C.AsSpan(row0 * @case.Ldc, rows * @case.Ldc).ToArray();
        Gemm.Multiply(transposeA, transposeB, rows, @case.N, @case.K, aRows, @case.Lda, @case.B, @case.Ldb, cRows, @case.Ldc, accumulate: true);
        Assert.Equal(first.AsSpan(row0 * @case.Ldc, rows * @case.Ldc).ToArray(), cRows);
    }

    [Fact]
    public void Leading_dimensions_and_lengths_are_checked()
    {
        double[] x = new double[12], y = new double[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, 4, 4, x, 3, y, 4, x, 4, false));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 3, 4, 4, x, 4, y, 4, new double[11], 4, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 4, 4, x, 4, y, 4, x, 4, false));
    }
}
