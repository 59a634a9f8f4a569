using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains;

/// <summary>A training shard's slice of a held λ (one entry per row), with the rows it belongs to.</summary>
[GenerateSerializer]
internal sealed class HeldSliceState
{
    [Id(0)] public int Start { get; set; }
    [Id(1)] public int Count { get; set; }
    [Id(2)] public LambdaSlice? Slice { get; set; }
}
