using HyperIft.Abstractions;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using HyperIft.Numerics;

namespace HyperIft.Grains;

/// <summary>
/// The "HyperIft" ActivitySource and Meter of the grains. Spans: hyperift.run → hyperift.outer_step
/// → hyperift.hypergradient → hyperift.inner_solve / hyperift.linear_solve → hyperift.hvp_fanout →
/// the shard grain calls (Orleans activity propagation carries the context across silos).
/// </summary>
public static class HyperIftTelemetry
{
    public const string Name = NumericsActivity.SourceName;
    public static ActivitySource Source => NumericsActivity.Source;
    public static readonly Meter Meter = new(Name);

    public static readonly ObservableCounter<long> VectorBytes = Meter.CreateObservableCounter("hyperift.vector_bytes",
        () => 8 * VectorTransfer.ValuesMoved, unit: "By", description: "Vector values sent or fetched by grains and clients in this process");

    private static readonly ConcurrentDictionary<string, (double Loss, double GradientNorm)> RunGauges = new();
    private static readonly ConcurrentDictionary<string, byte> ActiveRuns = new();

    public static readonly Counter<long> OuterSteps =
        Meter.CreateCounter<long>("hyperift.outer_steps", description: "Outer (hypergradient) steps completed");
    public static readonly Histogram<int> CgIterations =
        Meter.CreateHistogram<int>("hyperift.cg_iterations", description: "Linear-solver iterations per hypergradient");
    public static readonly Histogram<double> SolverResidual =
        Meter.CreateHistogram<double>("hyperift.solver_residual", description: "Final relative residual ‖b − Hv‖/‖b‖");
    public static readonly Histogram<int> NewtonIterations =
        Meter.CreateHistogram<int>("hyperift.newton_iterations", description: "Inner Newton iterations per hypergradient");
    public static readonly Histogram<double> HvpFanOut =
        Meter.CreateHistogram<double>("hyperift.hvp_fanout_duration", unit: "ms", description: "One Hessian-vector product over all shards");
    public static readonly Histogram<double> StateWrite =
        Meter.CreateHistogram<double>("hyperift.state_write_duration", unit: "ms", description: "One write of a run's state (λ, the optimizer's moments, the history) by its tuner, or of a slice of λ held by a training shard (tag grain)");
    public static readonly Counter<double> ShardCompute =
        Meter.CreateCounter<double>("hyperift.shard_compute", unit: "s", description: "CPU time of shard kernels on this silo");

    static HyperIftTelemetry()
    {
        Meter.CreateObservableGauge("hyperift.validation_loss",
            () => RunGauges.Select(kv => new Measurement<double>(kv.Value.Loss, new KeyValuePair<string, object?>("run", kv.Key))),
            description: "Validation loss g(θ*(λ)) at the latest step, per run");
        Meter.CreateObservableGauge("hyperift.hypergradient_norm",
            () => RunGauges.Select(kv => new Measurement<double>(kv.Value.GradientNorm, new KeyValuePair<string, object?>("run", kv.Key))),
            description: "‖dg/dλ‖ at the latest step, per run");
        Meter.CreateObservableUpDownCounter("hyperift.active_runs", () => ActiveRuns.Count,
            description: "Runs whose loop is running on this silo");
    }

    public static void RecordStep(string run, double validationLoss, double hypergradientNorm)
    {
        OuterSteps.Add(1, new KeyValuePair<string, object?>("run", run));
        RunGauges[run] = (validationLoss, hypergradientNorm);
    }

    public static void RunActive(string run, bool active)
    {
        if (active) ActiveRuns.TryAdd(run, 0);
        else ActiveRuns.TryRemove(run, out _);
    }
}
