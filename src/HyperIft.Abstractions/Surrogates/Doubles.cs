using System.Runtime.InteropServices;

namespace HyperIft.Abstractions.Surrogates;

/// <summary>double[] as raw bytes inside surrogates: Orleans writes a double[] element by element, several times slower.</summary>
internal static class Doubles
{
    public static byte[] ToBytes(double[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static double[] FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, double>(bytes).ToArray();

    public static byte[]? ToBytesOrNull(double[]? values) => values is null ? null : ToBytes(values);

    public static double[]? FromBytesOrNull(byte[]? bytes) => bytes is null ? null : FromBytes(bytes);
}
