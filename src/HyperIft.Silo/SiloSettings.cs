using System.Net;
using HyperIft.Abstractions;
using HyperIft.Grains;
using StackExchange.Redis;

namespace HyperIft.Silo;

/// <summary>A setting that cannot work: one line for the operator, exit code 2.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>
/// A silo's settings, read from configuration (appsettings.json, environment variables, flags) and
/// checked all at once before a host is built, so a typo is one line and exit 2, not a stack trace
/// from deep inside Orleans.
/// </summary>
public sealed record SiloSettings(
    string ClusterId, string ServiceId, string Clustering, string Storage, string? StoragePath, string? Redis,
    ConfigurationOptions? RedisOptions, int SiloPort, int GatewayPort, int? PrimarySiloPort, string AdvertisedAddress,
    string HttpHost, int HttpPort, string TelemetryExporters)
{
    public static readonly string[] ClusteringKinds = ["localhost", "redis"];

    /// <summary>Reads and validates; throws <see cref="SettingsException"/> naming the flag and key at fault.</summary>
    public static SiloSettings From(IConfiguration c, Func<string, string?>? environment = null)
    {
        string clustering = OneOf(c, "--clustering", ClusteringKinds);
        string storage = OneOf(c, "--storage", HyperIftStorage.Kinds);
        string? storagePath = Text(c, "--storage-path");
        if (storage == "file" && storagePath is null)
            throw Bad("--storage-path", "is required by file storage");

        string? redis = Text(c, "--redis");
        ConfigurationOptions? redisOptions = null;
        if (clustering == "redis" || storage == "redis")
        {
            if (redis is null) throw Bad("--redis", $"is required by redis {(clustering == "redis" ? "clustering" : "storage")}");
            redisOptions = RedisConnection.Options(redis, Text(c, "--redis-password-file"),
                (environment ?? Environment.GetEnvironmentVariable)(RedisConnection.PasswordVariable));
        }

        string advertised = AdvertisedAddressOf(Text(c, "--advertise")!);
        if (!IPAddress.TryParse(advertised, out _)) throw Bad("--advertise", $"must be an IP address or auto, not '{advertised}'");

        string exporters = Text(c, "--telemetry")!;
        var unknown = exporters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Except(SiloTelemetry.Kinds).ToArray();
        if (unknown.Length > 0) throw Bad("--telemetry", $"must be any of {string.Join(",", SiloTelemetry.Kinds)}, not '{unknown[0]}'");

        return new SiloSettings(Text(c, "--cluster-id")!, Text(c, "--service-id")!, clustering, storage, storagePath, redis, redisOptions,
            Port(c, "--silo-port")!.Value, Port(c, "--gateway-port")!.Value, Port(c, "--primary-port"), advertised,
            Text(c, "--http-host")!, Port(c, "--http-port")!.Value, exporters);
    }

    /// <summary>The Redis connection string with its password masked, for logs.</summary>
    public string RedisForDisplay => Redaction.Redact(Redis);

    private static SiloCommandLine.Flag FlagOf(string name) => SiloCommandLine.Flags.Single(f => f.Name == name);

    /// <summary>The configured value, else the flag's default; null when neither gives one.</summary>
    private static string? Text(IConfiguration c, string flag)
    {
        var f = FlagOf(flag);
        string? value = c[f.Key];
        return string.IsNullOrWhiteSpace(value) ? f.Default == "" ? null : f.Default : value.Trim();
    }

    private static string OneOf(IConfiguration c, string flag, string[] kinds)
    {
        string value = Text(c, flag)!;
        return kinds.Contains(value) ? value : throw Bad(flag, $"must be {string.Join(" or ", kinds)}, not '{value}'");
    }

    private static int? Port(IConfiguration c, string flag)
    {
        string? value = Text(c, flag);
        if (value is null) return null;
        return int.TryParse(value, out int port) && port is > 0 and <= 65535
            ? port
            : throw Bad(flag, $"must be a port number 1-65535, not '{value}'");
    }

    internal static SettingsException Bad(string flag, string problem) =>
        new($"{flag} ({FlagOf(flag).Key}) {problem}");

    /// <summary>"auto": this host's first IPv4 address that is not loopback (a container's or pod's own address).</summary>
    private static string AdvertisedAddressOf(string value) =>
        value != "auto"
            ? value
            : Dns.GetHostAddresses(Dns.GetHostName())
                  .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                  ?.ToString() ?? "127.0.0.1";
}
