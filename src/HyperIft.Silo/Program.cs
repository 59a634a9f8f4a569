using System.Net;
using HyperIft.Grains;
using Orleans.Dashboard;
using HyperIft.Silo;
using Orleans.Configuration;
using StackExchange.Redis;

// Flags are shorthands for configuration keys; appsettings.json and environment variables
// (HyperIft__Clustering, ConnectionStrings__redis, ...) set the same keys.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, SiloSettings.SwitchMappings);
var settings = SiloSettings.From(builder.Configuration);

builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
    switch (settings.Clustering)
    {
        case "localhost":
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                settings.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
                settings.ServiceId, settings.ClusterId);
            break;
        case "redis":
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RequireRedis()));
            silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort,
                listenOnAnyHostAddress: settings.AdvertisedAddress != "127.0.0.1");
            break;
        default:
            throw new InvalidOperationException($"unknown clustering '{settings.Clustering}' (expected localhost or redis)");
    }
    silo.AddHyperIft(new HyperIftSiloOptions
    {
        Storage = settings.Storage,
        StoragePath = settings.StoragePath,
        Redis = settings.Redis,
    });
    silo.AddDashboard();
});
SiloTelemetry.Add(builder, settings.TelemetryExporters, $"hyperift-silo-{settings.SiloPort}");
builder.WebHost.UseUrls($"http://{settings.HttpHost}:{settings.HttpPort}");

var app = builder.Build();
app.MapGet("/health", SiloHealth.Report);
app.MapOrleansDashboard(routePrefix: "/dashboard");
if (settings.TelemetryExporters.Contains("prometheus")) app.MapPrometheusScrapingEndpoint();
app.Logger.LogInformation("HyperIft silo: clustering {Clustering}, storage {Storage}, silo port {SiloPort}, gateway {GatewayPort}, http {HttpPort}",
    settings.Clustering, settings.Storage, settings.SiloPort, settings.GatewayPort, settings.HttpPort);
app.Run();
