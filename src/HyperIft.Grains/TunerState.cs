using HyperIft.Abstractions;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains;

/// <summary>
/// What a run persists after every outer step: the library's <see cref="TuningState"/> (λ, optimizer
/// state, warm θ and v, step), enough to repeat the next step exactly on any silo, and the history.
/// </summary>
[GenerateSerializer]
internal sealed class TunerState
{
    [Id(0)] public RunSpec? Spec { get; set; }
    [Id(1)] public ProblemInfo? Info { get; set; }
    [Id(2)] public RunStatus Status { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public TuningState? Tuning { get; set; }
    [Id(5)] public List<StepRecord> History { get; set; } = [];
    [Id(6)] public HypergradientReply? Final { get; set; }
    [Id(7)] public double[]? FinalHypergradient { get; set; }
    [Id(8)] public double[]? FinalTheta { get; set; }
    [Id(9)] public int Recoveries { get; set; }
    [Id(10)] public DateTime UpdatedUtc { get; set; }

    /// <summary>W3C traceparent of the run's span: every outer step's span is its child, so one run is one trace.</summary>
    [Id(11)] public string? TraceParent { get; set; }

    /// <summary>
    /// λ lives on the training shards (one entry per row, <see cref="LambdaSlice"/>): <see cref="Tuning"/> holds the
    /// step and warm start only, until the run ends and its λ comes home.
    /// </summary>
    [Id(12)] public bool LambdaOnShards { get; set; }

    public int Step => Tuning?.Step ?? 0;
    public double[] Lambda => Tuning?.Lambda ?? [];
}
