using System.Diagnostics;
using HyperIft.Grains;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HyperIft.Cli;

/// <summary>
/// The console's own spans: one per command, the root of what it starts on the silos (Orleans
/// propagates the context). Exported when HYPERIFT_TRACING=otlp (to OTEL_EXPORTER_OTLP_ENDPOINT);
/// otherwise nothing listens and the spans cost nothing. (No console exporter here: it writes to
/// stdout, which belongs to the command's results.)
/// </summary>
public static class CliActivity
{
    public static readonly ActivitySource Source = new("HyperIft.Cli");

    public static TracerProvider? StartTracing()
    {
        string? exporter = Environment.GetEnvironmentVariable("HYPERIFT_TRACING");
        if (string.IsNullOrEmpty(exporter)) return null;
        var builder = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("hyperift"))
            .AddSource(Source.Name, HyperIftTelemetry.Name, "Microsoft.Orleans.Application");
        if (exporter != "otlp") throw new UsageException($"HYPERIFT_TRACING='{exporter}': the console exports traces by otlp only");
        return builder.AddOtlpExporter().Build();
    }
}
