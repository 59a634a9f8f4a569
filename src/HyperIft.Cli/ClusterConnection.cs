using System.Net;
using System.Net.Sockets;
using HyperIft.Abstractions;
using HyperIft.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace HyperIft.Cli;

/// <summary>A cluster that cannot be reached: exit code 3.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);

/// <summary>
/// Where the console's grain calls go: a running cluster named by --cluster (or HYPERIFT_CLUSTER),
/// or, when none is named, one silo started inside this process with memory storage.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    public const string EnvironmentVariable = "HYPERIFT_CLUSTER";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(10);

    private readonly IHost _host;

    private ClusterConnection(IHost host, string? cluster, GatewayWatch? gateways)
    {
        _host = host;
        GatewayLost = gateways is null ? null : () => gateways.Lost;
        Description = cluster is null ? "embedded" : Redaction.Redact(cluster);
        Option = cluster is null || cluster == Environment.GetEnvironmentVariable(EnvironmentVariable) ? "" : $" --cluster {Description}";
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    /// <summary>The token that fires when a gateway connection closes (taken afresh for each call); null when embedded.</summary>
    public Func<CancellationToken>? GatewayLost { get; }

    /// <summary>What to print for this cluster: "embedded", or the connection string with its secrets masked.</summary>
    public string Description { get; }

    /// <summary>The option that names this cluster in a printed hint ("" where the environment names it).</summary>
    public string Option { get; }

    public bool IsEmbedded => Description == "embedded";

    public static string? Named(string? option) =>
        option ?? (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } v ? v : null);

    public static async Task<ClusterConnection> Open(string? cluster, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        ConfigureLogging(builder.Logging);
        string clusterId = Environment.GetEnvironmentVariable("HYPERIFT_CLUSTER_ID") is { Length: > 0 } c ? c : "hyperift";
        string serviceId = Environment.GetEnvironmentVariable("HYPERIFT_SERVICE_ID") is { Length: > 0 } s ? s : "hyperift";

        // Parsed once, before anything starts: a bad connection, password file or CA is a usage error.
        var redis = cluster is null || IsLocalhost(cluster) ? null : RedisPreflight.Options(cluster);
        var tls = cluster is null ? null : ClientTls.FromEnvironment();
        var gateways = cluster is null ? null : new GatewayWatch();
        if (cluster is null)
        {
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: serviceId, clusterId: $"{clusterId}-embedded");
                silo.AddHyperIft(new HyperIftSiloOptions { Storage = "memory" });
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = CallTimeout);
                client.AddActivityPropagation();
                client.Services.AddSingleton<IClusterConnectionStatusObserver>(gateways!);
                if (tls is not null) client.UseTls(tls.Configure);
                if (IsLocalhost(cluster))
                    client.UseStaticClustering(LocalhostGateways(cluster));
                else
                    client.UseRedisClustering(o => o.ConfigurationOptions = redis!.Clone());
                var started = DateTime.UtcNow;
                int hungUp = 0;
                client.UseConnectionRetryFilter(async (failure, token) =>
                {
                    if (DateTime.UtcNow - started > ConnectTimeout - TimeSpan.FromSeconds(3)) return false;
                    // Gateways that hang up on every attempt refuse this client (TLS): say so now, not after 25 s.
                    if (HungUp(failure.GetBaseException().Message) && ++hungUp >= 3) return false;
                    await Task.Delay(TimeSpan.FromSeconds(1), token);
                    return true;
                });
            });
        }

        if (redis is not null) await RedisPreflight.Check(redis, serviceId, clusterId, ct);
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (Exception e) when (cluster is not null && e is not OperationCanceledException || timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            host.Dispose();
            string cause = e.GetBaseException().Message;
            // A gateway that hangs up at once is how a TLS mismatch looks from here (either side may have refused).
            string hint = HungUp(cause)
                ? tls is null
                    ? $"; silos started with --tls-cert-file need {ClientTls.CertificateVariable}, {ClientTls.KeyVariable} and {ClientTls.CaVariable}"
                    : $"; the silos may not use TLS, or not trust the CA that signed {ClientTls.CertificateVariable}, or use a CA other than {ClientTls.CaVariable}"
                : "";
            throw new ClusterUnavailableException(
                $"cannot reach the cluster '{Redaction.Redact(cluster)}' with cluster id '{clusterId}' and service id '{serviceId}' " +
                $"({Redaction.Redact(cause)}){hint}; silos started with another --cluster-id need HYPERIFT_CLUSTER_ID set to it");
        }
        return new ClusterConnection(host, cluster, gateways);
    }

    private static bool HungUp(string cause) =>
        cause.Contains("Connection terminated prematurely") || cause.Contains("Connection initialization failed");

    /// <summary>
    /// Logs go to stderr (stdout is for results). The console speaks for itself, so Orleans' own
    /// logs (connection retries with stack traces, start-up notes) show only when HYPERIFT_LOG_LEVEL asks.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        bool asked = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("HYPERIFT_LOG_LEVEL"), true, out var level);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Orleans", asked ? level : LogLevel.None);
        logging.AddFilter("Microsoft", asked ? level : LogLevel.None);
        logging.AddFilter("Polly", asked ? level : LogLevel.None); // Orleans' placement retries, e.g. while the embedded silo stops
        if (asked) logging.AddFilter("HyperIft", level); // the embedded silo's own notes (state writes, shard recoveries)
    }

    private static bool IsLocalhost(string cluster) => cluster.StartsWith("localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>"localhost" (gateway 30000) or "localhost:30000,30001".</summary>
    private static IPEndPoint[] LocalhostGateways(string cluster)
    {
        int colon = cluster.IndexOf(':');
        if (colon < 0) return [new IPEndPoint(IPAddress.Loopback, 30000)];
        return cluster[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, out int port) && port is > 0 and < 65536
                ? new IPEndPoint(IPAddress.Loopback, port)
                : throw new UsageException($"--cluster '{cluster}': '{p}' is not a port"))
            .ToArray();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(stop.Token);
        }
        catch (Exception)
        {
            // Shutting down after the work is done: nothing is lost if a silo stops abruptly.
        }
        _host.Dispose();
    }
}
