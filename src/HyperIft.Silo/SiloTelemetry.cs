using HyperIft.Grains;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HyperIft.Silo;

/// <summary>
/// OpenTelemetry for a silo: the "HyperIft" and "Microsoft.Orleans" meters and the HyperIft and
/// Orleans activity sources, exported as configured by HyperIft:Telemetry:Exporters — any of
/// prometheus (a scrape endpoint at /metrics on the silo's HTTP port), otlp (OTEL_EXPORTER_OTLP_ENDPOINT),
/// console. Default: prometheus.
/// </summary>
public static class SiloTelemetry
{
    public static readonly string[] Kinds = ["prometheus", "otlp", "console"];

    public static void Add(WebApplicationBuilder builder, IEnumerable<string> exporters, string serviceName)
    {
        var chosen = exporters.ToHashSet();

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(HyperIftTelemetry.Name, "Microsoft.Orleans");
                if (chosen.Contains("prometheus")) metrics.AddPrometheusExporter();
                if (chosen.Contains("otlp")) metrics.AddOtlpExporter();
                if (chosen.Contains("console")) metrics.AddConsoleExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(HyperIftTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                if (chosen.Contains("otlp")) tracing.AddOtlpExporter();
                if (chosen.Contains("console")) tracing.AddConsoleExporter();
            });
    }
}
