using System.Net;
using HyperIft.Abstractions;
using HyperIft.Grains;
using Orleans.Dashboard;
using HyperIft.Silo;
using Orleans.Configuration;

// Flags are shorthands for configuration keys; appsettings.json and environment variables
// (HyperIft__Clustering, ConnectionStrings__redis, ...) set the same keys. Everything is checked
// before a host is built: a bad flag or setting is one line on stderr and exit code 2.
var command = SiloCommandLine.Parse(args);
if (command.Help)
{
    Console.Out.Write(SiloCommandLine.Help());
    return 0;
}
if (command.Error is not null)
{
    Console.Error.WriteLine($"hyperift-silo: {command.Error}");
    return 2;
}

// appsettings.json is the one beside the program, whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(command.Settings);
SiloSettings settings;
try
{
    settings = SiloSettings.From(builder.Configuration);
}
catch (SettingsException e)
{
    Console.Error.WriteLine($"hyperift-silo: {e.Message}");
    return 2;
}

builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
    if (settings.Clustering == "localhost")
    {
        silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
            settings.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
            settings.ServiceId, settings.ClusterId);
    }
    else
    {
        silo.UseRedisClustering(o => o.ConfigurationOptions = settings.RedisOptions!.Clone());
        silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort,
            listenOnAnyHostAddress: settings.AdvertisedAddress != "127.0.0.1");
    }
    silo.AddHyperIft(new HyperIftSiloOptions
    {
        Storage = settings.Storage,
        StoragePath = settings.StoragePath,
        Redis = settings.RedisOptions,
    });
    silo.AddDashboard();
    silo.Services.AddSingleton<MembershipRecovery>();
    silo.Services.AddHostedService(sp => sp.GetRequiredService<MembershipRecovery>());
    silo.Services.AddSingleton<SiloProbe>();
});
SiloTelemetry.Add(builder, settings.TelemetryExporters, $"hyperift-silo-{settings.SiloPort}");
builder.WebHost.UseUrls($"http://{settings.HttpHost}:{settings.HttpPort}");

var app = builder.Build();
app.MapGet("/health", SiloHealth.Report);
// Liveness apart from health: a Redis outage makes /health 503 on every silo, and restarting them
// all for it helps nothing (a silo that cannot rejoin exits by itself, MembershipRecovery).
app.MapGet("/alive", () => Results.Text("alive"));
app.MapOrleansDashboard(routePrefix: "/dashboard");
if (settings.TelemetryExporters.Contains("prometheus")) app.MapPrometheusScrapingEndpoint();
app.Logger.LogInformation("HyperIft silo: clustering {Clustering}, storage {Storage}, redis {Redis}, silo port {SiloPort}, gateway {GatewayPort}, http {HttpPort}",
    settings.Clustering, settings.Storage, settings.RedisForDisplay, settings.SiloPort, settings.GatewayPort, settings.HttpPort);
try
{
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (Exception e)
{
    // The host has logged the details; the last line says why in words, with secrets masked.
    Console.Error.WriteLine($"hyperift-silo: the silo failed: {Redaction.Redact(e.GetBaseException().Message)}");
    return 1;
}
