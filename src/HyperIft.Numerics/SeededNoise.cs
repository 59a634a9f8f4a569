namespace HyperIft.Numerics;

/// <summary>
/// Standard normal draws addressed by (seed, index) rather than drawn in sequence: a shard makes the
/// draws of its own rows alone and gets the same numbers whatever the sharding, and a resumed run
/// makes them again from its seed. SplitMix64 hashes the address; Box–Muller turns two uniforms into a normal.
/// </summary>
public static class SeededNoise
{
    public static double Normal(int seed, long index)
    {
        ulong key = Mix(((ulong)(uint)seed << 32) ^ 0x5DEECE66DUL) ^ (ulong)index;
        double u1 = Uniform(Mix(key * 2 + 1)), u2 = Uniform(Mix(key * 2 + 2));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="target"/> with the draws at indices first, first + 1, ….</summary>
    public static void Fill(int seed, long first, Span<double> target, double scale = 1.0)
    {
        for (int i = 0; i < target.Length; i++) target[i] = scale * Normal(seed, first + i);
    }

    /// <summary>(0, 1]: the top 53 bits, shifted off zero so that the logarithm stays finite.</summary>
    private static double Uniform(ulong bits) => ((bits >> 11) + 1) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
