namespace HyperIft.Silo;

/// <summary>A silo's settings, read from configuration (appsettings.json, HyperIft__* variables, flags).</summary>
public sealed record SiloSettings(
    string ClusterId, string ServiceId, string Clustering, string Storage, string? StoragePath, string? Redis,
    int SiloPort, int GatewayPort, int? PrimarySiloPort, string AdvertisedAddress, string HttpHost, int HttpPort,
    string TelemetryExporters)
{
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--cluster-id"] = "Orleans:ClusterId",
        ["--service-id"] = "Orleans:ServiceId",
        ["--clustering"] = "HyperIft:Clustering",
        ["--storage"] = "HyperIft:Storage",
        ["--storage-path"] = "HyperIft:StoragePath",
        ["--redis"] = "ConnectionStrings:redis",
        ["--silo-port"] = "HyperIft:SiloPort",
        ["--gateway-port"] = "HyperIft:GatewayPort",
        ["--primary-port"] = "HyperIft:PrimarySiloPort",
        ["--advertise"] = "HyperIft:AdvertisedAddress",
        ["--http-host"] = "HyperIft:HttpHost",
        ["--http-port"] = "HyperIft:HttpPort",
        ["--telemetry"] = "HyperIft:Telemetry:Exporters",
    };

    public static SiloSettings From(IConfiguration c) => new(
        c["Orleans:ClusterId"] ?? "hyperift",
        c["Orleans:ServiceId"] ?? "hyperift",
        c["HyperIft:Clustering"] ?? "localhost",
        c["HyperIft:Storage"] ?? "memory",
        c["HyperIft:StoragePath"],
        c.GetConnectionString("redis"),
        c.GetValue("HyperIft:SiloPort", 11111),
        c.GetValue("HyperIft:GatewayPort", 30000),
        c.GetValue<int?>("HyperIft:PrimarySiloPort"),
        AdvertisedAddressOf(c["HyperIft:AdvertisedAddress"] ?? "127.0.0.1"),
        c["HyperIft:HttpHost"] ?? "127.0.0.1",
        c.GetValue("HyperIft:HttpPort", 8080),
        c["HyperIft:Telemetry:Exporters"] ?? "prometheus");

    /// <summary>"auto": this host's first IPv4 address that is not loopback (a container's or pod's own address).</summary>
    private static string AdvertisedAddressOf(string value) =>
        value != "auto"
            ? value
            : System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
                  .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
                  ?.ToString() ?? "127.0.0.1";

    public string RequireRedis() =>
        Redis ?? throw new InvalidOperationException("redis clustering needs ConnectionStrings:redis (flag --redis HOST:PORT)");
}
