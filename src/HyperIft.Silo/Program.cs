using System.Net;
using HyperIft.Abstractions;
using HyperIft.Grains;
using Orleans.Dashboard;
using HyperIft.Silo;
using Microsoft.Extensions.Options;
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
// Bound and validated here, before the host is built, because the clustering, endpoints, exporters
// and URLs are chosen from them; the host binds them again the same way and validates on start.
SiloSettings.Add(builder.Services, builder.Configuration);
SiloSettings settings;
try
{
    settings = SiloSettings.Read(builder.Configuration);
}
catch (OptionsValidationException e)
{
    return BadSettings(e);
}
var redis = settings.RedisConfiguration();
var tls = settings.Tls();

builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
    var advertised = settings.AdvertisedIPAddress();
    if (settings.Clustering == "localhost")
    {
        silo.UseLocalhostClustering(settings.SiloPort.Value, settings.GatewayPort.Value,
            settings.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary.Value) : null,
            settings.ServiceId, settings.ClusterId);
    }
    else
    {
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis!.Clone());
        silo.ConfigureEndpoints(advertised, settings.SiloPort.Value, settings.GatewayPort.Value,
            listenOnAnyHostAddress: !advertised.Equals(IPAddress.Loopback));
    }
    if (tls is not null) silo.UseTls(tls.Configure);
    // Failure detection: a silo that stops answering is declared dead after about missed-probes ×
    // probe-timeout, and only then are its grains activated elsewhere (README "Operations": the stall, the probe traffic).
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = settings.ProbeTimeout.Value;
        o.NumMissedProbesLimit = settings.MissedProbesLimit!.Value;
    });
    silo.AddHyperIft(new HyperIftSiloOptions
    {
        Storage = settings.Storage,
        StoragePath = settings.StoragePath,
        Redis = redis,
    });
    silo.AddDashboard();
    silo.Services.AddSingleton<MembershipRecovery>();
    silo.Services.AddHostedService(sp => sp.GetRequiredService<MembershipRecovery>());
    silo.Services.AddSingleton<SiloProbe>();
});
SiloTelemetry.Add(builder, settings.Exporters, $"hyperift-silo-{settings.SiloPort.Value}");
builder.WebHost.UseUrls($"http://{settings.HttpHost.Trim()}:{settings.HttpPort.Value}");

var app = builder.Build();
if (settings.HttpToken() is { } token) HttpAuthentication.Require(app, token);
app.MapGet("/health", SiloHealth.Report);
// Liveness apart from health: a Redis outage makes /health 503 on every silo, and restarting them
// all for it helps nothing (a silo that cannot rejoin exits by itself, MembershipRecovery).
app.MapGet("/alive", () => Results.Text("alive"));
app.MapOrleansDashboard(routePrefix: "/dashboard");
if (settings.Exporters.Contains("prometheus")) app.MapPrometheusScrapingEndpoint();
app.Logger.LogInformation("HyperIft silo: clustering {Clustering}, storage {Storage}, redis {Redis}, silo port {SiloPort}, gateway {GatewayPort}, http {HttpPort} ({Guard})",
    settings.Clustering, settings.Storage, settings.RedisForDisplay, settings.SiloPort.Value, settings.GatewayPort.Value, settings.HttpPort.Value,
    settings.HttpToken() is null ? "no token: /dashboard and /metrics open on loopback" : "/dashboard and /metrics need the token");
try
{
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (OptionsValidationException e)
{
    return BadSettings(e); // ValidateOnStart: cannot differ from the check above, but stays one line if it does
}
catch (Exception e)
{
    // The host has logged the details; the last line says why in words, with secrets masked.
    Console.Error.WriteLine($"hyperift-silo: the silo failed: {Redaction.Redact(e.GetBaseException().Message)}");
    return 1;
}

static int BadSettings(OptionsValidationException e)
{
    // Failures are phrases naming the flag and key; all of them on one line.
    Console.Error.WriteLine($"hyperift-silo: {string.Join("; ", e.Failures)}");
    return 2;
}
