using HyperIft.Abstractions;

namespace HyperIft.Grains;

/// <summary>
/// What a run persists after every outer step: enough to repeat the next step exactly on any silo.
/// The warm starts are kept too, so that a resumed step starts where the undisturbed one would have.
/// </summary>
[GenerateSerializer]
public sealed class TunerState
{
    [Id(0)] public RunSpec? Spec { get; set; }
    [Id(1)] public ProblemInfo? Info { get; set; }
    [Id(2)] public RunStatus Status { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public int Step { get; set; }
    [Id(5)] public double[] Lambda { get; set; } = [];
    [Id(6)] public int OptimizerStep { get; set; }
    [Id(7)] public double[] FirstMoment { get; set; } = [];
    [Id(8)] public double[] SecondMoment { get; set; } = [];
    [Id(9)] public double[]? WarmTheta { get; set; }
    [Id(10)] public double[]? WarmV { get; set; }
    [Id(11)] public List<StepRecordMessage> History { get; set; } = [];
    [Id(12)] public HypergradientReply? Final { get; set; }
    [Id(13)] public double[]? FinalHypergradient { get; set; }
    [Id(14)] public int Recoveries { get; set; }
    [Id(15)] public DateTime UpdatedUtc { get; set; }
    [Id(16)] public double[]? FinalTheta { get; set; }

    /// <summary>W3C traceparent of the run's span: every outer step's span is its child, so one run is one trace.</summary>
    [Id(17)] public string? TraceParent { get; set; }
}
