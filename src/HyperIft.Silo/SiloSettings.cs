using System.ComponentModel;
using System.Globalization;
using System.Net;
using HyperIft.Abstractions;
using HyperIft.Grains;
using HyperIft.Grains.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HyperIft.Silo;

/// <summary>
/// A silo's settings, an options class (not Orleans' SiloOptions), bound from configuration (appsettings.json, environment variables, flags).
/// Each property names its configuration key once (a full path from the root, so one class spans
/// the HyperIft, Orleans and ConnectionStrings sections) and declares its default once, in its
/// initializer; <see cref="SiloCommandLine"/> reads both for its flags and --help. Checked by
/// <see cref="SiloSettingsValidator"/>, the only validator, before the host is built and again on
/// start (<c>ValidateOnStart</c>).
/// </summary>
public sealed class SiloSettings
{
    public static readonly string[] ClusteringKinds = ["localhost", "redis"];

    [ConfigurationKeyName("HyperIft:Clustering")] public string Clustering { get; set; } = "localhost";
    [ConfigurationKeyName("HyperIft:Storage")] public string Storage { get; set; } = "memory";
    [ConfigurationKeyName("HyperIft:StoragePath")] public string? StoragePath { get; set; }
    [ConfigurationKeyName("ConnectionStrings:redis")] public string? Redis { get; set; }
    [ConfigurationKeyName("HyperIft:RedisPasswordFile")] public string? RedisPasswordFile { get; set; }
    [ConfigurationKeyName("HyperIft:RedisCaFile")] public string? RedisCaFile { get; set; }
    [ConfigurationKeyName("Orleans:ClusterId")] public string ClusterId { get; set; } = "hyperift";
    [ConfigurationKeyName("Orleans:ServiceId")] public string ServiceId { get; set; } = "hyperift";
    [ConfigurationKeyName("HyperIft:SiloPort")] public Port SiloPort { get; set; } = new(11111);
    [ConfigurationKeyName("HyperIft:GatewayPort")] public Port GatewayPort { get; set; } = new(30000);
    [ConfigurationKeyName("HyperIft:PrimarySiloPort")] public Port? PrimarySiloPort { get; set; }
    [ConfigurationKeyName("HyperIft:AdvertisedAddress")] public string AdvertisedAddress { get; set; } = "127.0.0.1";
    [ConfigurationKeyName("HyperIft:HttpHost")] public string HttpHost { get; set; } = "127.0.0.1";
    [ConfigurationKeyName("HyperIft:HttpPort")] public Port HttpPort { get; set; } = new(8080);
    [ConfigurationKeyName("HyperIft:HttpTokenFile")] public string? HttpTokenFile { get; set; }
    [ConfigurationKeyName("HyperIft:TlsCertFile")] public string? TlsCertFile { get; set; }
    [ConfigurationKeyName("HyperIft:TlsKeyFile")] public string? TlsKeyFile { get; set; }
    [ConfigurationKeyName("HyperIft:TlsCaFile")] public string? TlsCaFile { get; set; }
    [ConfigurationKeyName("HyperIft:ProbeTimeout")] public Seconds ProbeTimeout { get; set; } = new(1);
    [ConfigurationKeyName("HyperIft:MissedProbes")] public string MissedProbes { get; set; } = "3";
    [ConfigurationKeyName("HyperIft:Telemetry:Exporters")] public string TelemetryExporters { get; set; } = "prometheus";

    /// <summary>The validated --missed-probes, or null when it is not a whole number in 1-20.</summary>
    public int? MissedProbesLimit => int.TryParse(MissedProbes, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 20 ? n : null;

    public bool UsesRedis => Clustering == "redis" || Storage == "redis";

    public string[] Exporters =>
        TelemetryExporters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The Redis connection when clustering or storage use Redis, with the password from
    /// --redis-password-file or REDIS_PASSWORD and the CA of --redis-ca-file; throws
    /// <see cref="SettingsException"/> naming the flag of a bad one.
    /// </summary>
    public ConfigurationOptions? RedisConfiguration()
    {
        if (!UsesRedis || string.IsNullOrWhiteSpace(Redis)) return null;
        try
        {
            return RedisConnection.Options(Redis.Trim(), Blank(RedisPasswordFile),
                Environment.GetEnvironmentVariable(RedisConnection.PasswordVariable), Blank(RedisCaFile));
        }
        catch (RedisSettingException e)
        {
            string property = e.Setting switch
            {
                RedisSetting.PasswordFile => nameof(RedisPasswordFile),
                RedisSetting.CaFile => nameof(RedisCaFile),
                _ => nameof(Redis),
            };
            throw new SettingsException(SiloCommandLine.Problem(property, e.Message));
        }
    }

    /// <summary>
    /// Mutual TLS between silos and with clients when --tls-cert-file is set (null: plain TCP); throws
    /// <see cref="SettingsException"/> naming the flag of a file that is missing or not what it should be.
    /// </summary>
    public ClusterTls? Tls()
    {
        string? certificate = Blank(TlsCertFile), key = Blank(TlsKeyFile), authority = Blank(TlsCaFile);
        if (ClusterTls.Incomplete(certificate is not null, key is not null, authority is not null,
                s => SiloCommandLine.Named(Property(s)), s => SiloCommandLine.FlagOf(Property(s)).Name,
                s => s == TlsSetting.CaFile ? "the CA that signs every silo's and client's certificate" : "this silo's certificate") is { } incomplete)
            throw new SettingsException(incomplete);
        if (certificate is null || authority is null) return null;
        try
        {
            return ClusterTls.Load(certificate, key, authority);
        }
        catch (TlsSettingException e)
        {
            throw new SettingsException(SiloCommandLine.Problem(Property(e.Setting), e.Message));
        }
    }

    /// <summary>The property of a TLS setting, by which the command line names its flag.</summary>
    private static string Property(TlsSetting setting) => setting switch
    {
        TlsSetting.KeyFile => nameof(TlsKeyFile),
        TlsSetting.CaFile => nameof(TlsCaFile),
        _ => nameof(TlsCertFile),
    };

    /// <summary>
    /// The token /dashboard and /metrics require (<see cref="HttpAuthentication"/>), from --http-token-file or
    /// HYPERIFT_HTTP_TOKEN; null: none set. Throws <see cref="SettingsException"/> on an unreadable or empty file.
    /// </summary>
    public string? HttpToken() => HttpAuthentication.Token(Blank(HttpTokenFile), Environment.GetEnvironmentVariable(HttpAuthentication.TokenVariable));

    /// <summary>The Redis connection string with its password masked, for logs.</summary>
    public string RedisForDisplay => Redaction.Redact(Redis);

    /// <summary>The advertised address; "auto": this host's first IPv4 address that is not loopback (a container's or pod's own).</summary>
    public IPAddress AdvertisedIPAddress() =>
        AdvertisedAddress != "auto"
            ? IPAddress.Parse(AdvertisedAddress)
            : Dns.GetHostAddresses(Dns.GetHostName())
                  .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
              ?? IPAddress.Loopback;

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// Binds and validates <see cref="SiloSettings"/> from <paramref name="configuration"/>, also on
    /// host start. The same registration serves <see cref="Read"/>, so there is one binding and one validator.
    /// </summary>
    public static IServiceCollection Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<SiloSettings>, SiloSettingsValidator>();
        services.AddOptions<SiloSettings>().Bind(configuration).ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The options as the host will see them, before it is built (the clustering, endpoints,
    /// exporters and URLs are chosen from them); throws <see cref="OptionsValidationException"/>
    /// naming every bad setting.
    /// </summary>
    public static SiloSettings Read(IConfiguration configuration)
    {
        using var services = Add(new ServiceCollection(), configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<SiloSettings>>().Value;
    }
}

/// <summary>
/// A port setting as written: binding never fails on it (the binder would throw "failed to convert"
/// without naming the flag), and <see cref="SiloSettingsValidator"/> names the flag of a bad one.
/// </summary>
[TypeConverter(typeof(PortConverter))]
public readonly record struct Port(string Text)
{
    public Port(int number) : this(number.ToString(CultureInfo.InvariantCulture)) { }

    /// <summary>The port number, or null when the text is not one in 1-65535.</summary>
    public int? Number => int.TryParse(Text, CultureInfo.InvariantCulture, out int n) && n is > 0 and <= 65535 ? n : null;

    /// <summary>The port number of a validated setting.</summary>
    public int Value => Number ?? throw new InvalidOperationException($"'{Text}' is not a port number (the options were not validated)");

    public override string ToString() => Text ?? "";
}

/// <summary>A duration in seconds as written (e.g. "1" or "2.5"); like <see cref="Port"/>, a bad one is named by the validator.</summary>
[TypeConverter(typeof(SecondsConverter))]
public readonly record struct Seconds(string Text)
{
    public Seconds(double seconds) : this(seconds.ToString(CultureInfo.InvariantCulture)) { }

    /// <summary>The duration, or null when the text is not a number of seconds in 0.1-300.</summary>
    public TimeSpan? Duration => double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s is >= 0.1 and <= 300
        ? TimeSpan.FromSeconds(s) : null;

    public TimeSpan Value => Duration ?? throw new InvalidOperationException($"'{Text}' is not a number of seconds (the options were not validated)");

    public override string ToString() => Text ?? "";
}

public sealed class SecondsConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => new Seconds((string)value);
}

public sealed class PortConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => new Port((string)value);
}

/// <summary>A setting that cannot work: one line for the operator, exit code 2.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>
/// Every rule on a silo's settings, each failure one phrase naming the flag and the configuration
/// key ("--storage (HyperIft:Storage) must be memory or file or redis, not 'bogus'").
/// </summary>
public sealed class SiloSettingsValidator : IValidateOptions<SiloSettings>
{
    public ValidateOptionsResult Validate(string? name, SiloSettings o)
    {
        var problems = new List<string>();
        void Bad(string property, string problem) => problems.Add(SiloCommandLine.Problem(property, problem));

        OneOf(nameof(SiloSettings.Clustering), o.Clustering, SiloSettings.ClusteringKinds);
        OneOf(nameof(SiloSettings.Storage), o.Storage, HyperIftStorage.Kinds);
        if (o.Storage == "file" && SiloSettings.Blank(o.StoragePath) is null)
            Bad(nameof(SiloSettings.StoragePath), "is required by file storage");

        if (o.UsesRedis)
        {
            if (SiloSettings.Blank(o.Redis) is null)
                Bad(nameof(SiloSettings.Redis), $"is required by redis {(o.Clustering == "redis" ? "clustering" : "storage")}");
            else
                try
                {
                    o.RedisConfiguration();
                }
                catch (SettingsException e)
                {
                    problems.Add(e.Message);
                }
        }

        NotBlank(nameof(SiloSettings.ClusterId), o.ClusterId);
        NotBlank(nameof(SiloSettings.ServiceId), o.ServiceId);
        Port(nameof(SiloSettings.SiloPort), o.SiloPort);
        Port(nameof(SiloSettings.GatewayPort), o.GatewayPort);
        if (o.PrimarySiloPort is { } primary) Port(nameof(SiloSettings.PrimarySiloPort), primary);
        if (o.AdvertisedAddress != "auto" && !IPAddress.TryParse(o.AdvertisedAddress, out _))
            Bad(nameof(SiloSettings.AdvertisedAddress), $"must be an IP address or auto, not '{o.AdvertisedAddress}'");
        NotBlank(nameof(SiloSettings.HttpHost), o.HttpHost);
        Port(nameof(SiloSettings.HttpPort), o.HttpPort);
        try
        {
            // Live traces and grain state must not face a network unguarded.
            if (o.HttpToken() is null && !string.IsNullOrWhiteSpace(o.HttpHost) && !HttpAuthentication.IsLoopback(o.HttpHost))
                Bad(nameof(SiloSettings.HttpHost), $"'{o.HttpHost.Trim()}' reaches beyond loopback, so /dashboard and /metrics need a token: "
                    + $"--http-token-file FILE or {HttpAuthentication.TokenVariable}");
        }
        catch (SettingsException e)
        {
            problems.Add(e.Message);
        }
        try
        {
            o.Tls();
        }
        catch (SettingsException e)
        {
            problems.Add(e.Message);
        }
        if (o.ProbeTimeout.Duration is null)
            Bad(nameof(SiloSettings.ProbeTimeout), $"must be a number of seconds in 0.1-300, not '{o.ProbeTimeout.Text}'");
        if (o.MissedProbesLimit is null)
            Bad(nameof(SiloSettings.MissedProbes), $"must be a whole number in 1-20, not '{o.MissedProbes}'");
        if (o.Exporters.Except(SiloTelemetry.Kinds).FirstOrDefault() is { } unknown)
            Bad(nameof(SiloSettings.TelemetryExporters), $"must be any of {string.Join(",", SiloTelemetry.Kinds)}, not '{unknown}'");

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

        void OneOf(string property, string value, string[] kinds)
        {
            if (!kinds.Contains(value)) Bad(property, $"must be {string.Join(" or ", kinds)}, not '{value}'");
        }
        void NotBlank(string property, string value)
        {
            if (string.IsNullOrWhiteSpace(value)) Bad(property, "must not be empty");
        }
        void Port(string property, Port port)
        {
            if (port.Number is null) Bad(property, $"must be a port number 1-65535, not '{port.Text}'");
        }
    }
}
