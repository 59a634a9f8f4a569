using System.Runtime.InteropServices;

namespace HyperIft.Abstractions;

/// <summary>
/// A vector on the wire: the doubles' raw bytes (Orleans writes a double[] element by element,
/// several times slower), or — for one too large for a single message — a reference to chunks
/// staged at the receiver beforehand (see <see cref="VectorTransfer"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed class Vector
{
    [Id(0)] public byte[] Bytes { get; init; } = [];
    [Id(1)] public Guid StagedId { get; init; }
    [Id(2)] public int Length { get; init; }

    public bool IsStaged => StagedId != Guid.Empty;

    public static readonly Vector Empty = new();

    public static Vector Of(ReadOnlySpan<double> values) =>
        new() { Bytes = MemoryMarshal.AsBytes(values).ToArray(), Length = values.Length };

    public static Vector Staged(Guid id, int length) => new() { StagedId = id, Length = length };

    /// <summary>The values of an inline vector.</summary>
    public double[] ToArray()
    {
        if (IsStaged) throw new InvalidOperationException("A staged vector must be opened through its receiver's mailbox.");
        return MemoryMarshal.Cast<byte, double>(Bytes).ToArray();
    }
}
