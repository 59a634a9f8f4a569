using System.Diagnostics;
using HyperIft.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace HyperIft.Grains.Tests;

/// <summary>One run is one trace: client → tuner → run → outer step → coordinator → solves → HVP fan-out → shards.</summary>
[Collection(ClusterCollection.Name)]
public class TracingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_run_is_one_trace_across_client_tuner_coordinator_and_shards()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(HyperIftTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "HyperIft.Tests")
            .AddInMemoryExporter(exported)
            .Build();
        using var clientSource = new ActivitySource("HyperIft.Tests");

        string runId = $"traced-{Guid.NewGuid():N}";
        var problem = Problems.Spec("logistic", "l2", "synthetic:n=300,p=4,seed=3", 2);
        var spec = new RunSpec(problem, Problems.TightCg, new OuterSpec(2, "adam", 0.1, "constant"));
        ActivityTraceId traceId;
        using (var client = clientSource.StartActivity("client.tune", ActivityKind.Client))
        {
            Assert.NotNull(client);
            traceId = client.TraceId;
            await RunClient.Start(fixture.Client, runId, spec, info => new double[info.HyperCount]);
        }
        var final = await RunClient.Follow(fixture.Client, runId);
        Assert.Equal(RunStatus.Completed, final.Status);
        tracer.ForceFlush();

        var trace = exported.Where(a => a.TraceId == traceId).ToList();
        var byId = trace.ToDictionary(a => a.SpanId);
        string names = string.Join(", ", trace.Select(a => a.DisplayName).Distinct());
        Activity Single(string name) => trace.FirstOrDefault(a => a.DisplayName == name)
                                        ?? throw new Xunit.Sdk.XunitException($"no span '{name}' in the trace: {names}");
        bool Descends(Activity a, Activity ancestor)
        {
            for (var p = a; p is not null; p = byId.GetValueOrDefault(p.ParentSpanId))
                if (p.SpanId == ancestor.SpanId) return true;
            return false;
        }

        var root = Single("client.tune");
        var run = Single("hyperift.run");
        Assert.True(Descends(run, root), "the run span descends from the client's span");
        var steps = trace.Where(a => a.DisplayName == "hyperift.outer_step").ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        var hypergradient = Single("hyperift.hypergradient");
        Assert.Contains(steps, s => Descends(hypergradient, s));
        var inner = Single("hyperift.inner_solve");
        var linear = Single("hyperift.linear_solve");
        Assert.True(Descends(inner, hypergradient) && Descends(linear, hypergradient), "solves under the hypergradient");
        var fanOut = trace.Where(a => a.DisplayName == "hyperift.hvp_fanout").ToList();
        Assert.Contains(fanOut, f => Descends(f, linear));
        // The grain calls themselves, propagated by Orleans: tuner, coordinator and shard calls in this trace.
        Assert.Contains(trace, a => a.DisplayName.Contains("ITunerGrain") && Descends(a, root));
        Assert.Contains(trace, a => a.DisplayName.Contains("ICoordinatorGrain") && Descends(a, run));
        Assert.Contains(trace, a => a.DisplayName.Contains("IDataShardGrain") && a.DisplayName.Contains("Hvp")
                                    && fanOut.Any(f => Descends(a, f)));
    }
}
