using HyperIft.Data;

namespace HyperIft.Abstractions;

/// <summary>
/// A bilevel problem as a client asks for it (SPEC §2–§4, §7, §8). A network's hidden widths travel as
/// text ("256,128") so that the record keeps value equality; <see cref="InitFile"/> is an absolute
/// path the coordinator reads θ₀ from (else <see cref="Seed"/> seeds the initialization).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProblemSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] string Hyper,
    [property: Id(2)] DataSpec Train,
    [property: Id(3)] DataSpec Validation,
    [property: Id(4)] int? Classes,
    [property: Id(5)] bool Intercept,
    [property: Id(6)] bool Standardize,
    [property: Id(7)] double ExampleWeightL2,
    [property: Id(8)] int Shards,
    [property: Id(9)] string Hidden = "",
    [property: Id(10)] string Activation = "tanh",
    [property: Id(11)] int Seed = 0,
    [property: Id(12)] string? InitFile = null,
    [property: Id(13)] int DistillPerClass = 1,
    [property: Id(14)] int AugmentCopies = 1,
    [property: Id(15)] int AugmentNoise = 16)
{
    /// <summary>More shards than this buys nothing (a shard per core of a large cluster) and costs a grain each.</summary>
    public const int MaxShards = 1024;
}

/// <summary>The model a shard evaluates, once the coordinator has settled the class count.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] int Features,
    [property: Id(2)] int Classes,
    [property: Id(3)] bool Intercept,
    [property: Id(4)] string Hidden = "",
    [property: Id(5)] string Activation = "tanh");

/// <summary>
/// All a shard needs to rebuild itself on any silo: where its rows come from, which rows, the model
/// and the standardization to apply. <see cref="Configuration"/> names the coordinator's setup, so
/// that a shard can tell a stale descriptor from its own.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardDescriptor(
    [property: Id(0)] Guid Configuration,
    [property: Id(1)] DataSpec Data,
    [property: Id(2)] int Start,
    [property: Id(3)] int Count,
    [property: Id(4)] ModelSpec? Model,
    [property: Id(5)] Vector? Mean,
    [property: Id(6)] Vector? Scale,
    [property: Id(7)] ShardInputs? Inputs = null);

/// <summary>
/// A training shard whose rows a data kind builds from λ (SPEC §8): the kind and what it is built from.
/// A distill shard holds synthetic slots [Start, Start + Count) and reads no file.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardInputs(
    [property: Id(0)] string Kind,
    [property: Id(1)] double L2,
    [property: Id(2)] int DistillPerClass,
    [property: Id(3)] int AugmentCopies,
    [property: Id(4)] int AugmentNoise,
    [property: Id(5)] int Seed);

/// <summary>What a shard found in its rows: sizes, label range and (on request) column moments for standardization.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardSummary(
    [property: Id(0)] string Source,
    [property: Id(1)] int Rows,
    [property: Id(2)] int Features,
    [property: Id(3)] double LabelMax,
    [property: Id(4)] bool HasZeroLabel,
    [property: Id(5)] bool HasMinusOneLabel,
    [property: Id(6)] Vector? Mean,
    [property: Id(7)] Vector? SquaredDeviations);

/// <summary>Per-feature mean and scale fitted on a run's training set.</summary>
[GenerateSerializer, Immutable]
public sealed record Standardization([property: Id(0)] Vector Mean, [property: Id(1)] Vector Scale);

/// <summary>
/// The sizes of a configured problem. <see cref="LambdaOnShards"/>: λ has one entry per training row, and
/// a tuning run leaves each shard its rows' entries to keep and update (no step moves n values).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProblemInfo(
    [property: Id(0)] string Model,
    [property: Id(1)] string Hyper,
    [property: Id(2)] int TrainRows,
    [property: Id(3)] int ValidationRows,
    [property: Id(4)] int Features,
    [property: Id(5)] int Classes,
    [property: Id(6)] int ParameterCount,
    [property: Id(7)] int HyperCount,
    [property: Id(8)] string TrainSource,
    [property: Id(9)] string ValidationSource,
    [property: Id(10)] int Shards,
    [property: Id(11)] bool LambdaOnShards = false);
