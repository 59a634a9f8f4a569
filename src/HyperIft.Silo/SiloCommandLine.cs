using System.Reflection;
using System.Text;

namespace HyperIft.Silo;

/// <summary>
/// The silo's flags: each is a shorthand for one <see cref="SiloSettings"/> property and its configuration key, so the help text, the parser
/// and appsettings/environment variables cannot drift apart. Anything that is not a known flag is
/// rejected (ASP.NET's AddCommandLine would silently ignore a misspelled one), except explicit
/// configuration keys written with a colon, <c>--Section:Key=value</c>, which pass through unchecked
/// like environment variables do.
/// </summary>
public static class SiloCommandLine
{
    /// <summary>
    /// A flag for one <see cref="SiloSettings"/> property: its configuration key and its default are
    /// read from the property (its ConfigurationKeyName and initializer), never written twice.
    /// </summary>
    public sealed record Flag(string Name, string Property, string Help)
    {
        private static readonly SiloSettings Defaults = new();

        private PropertyInfo Info => typeof(SiloSettings).GetProperty(Property)
                                     ?? throw new InvalidOperationException($"SiloSettings has no property {Property}");

        public string Key => Info.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name
                             ?? throw new InvalidOperationException($"SiloSettings.{Property} names no configuration key");

        /// <summary>The default, as text; "" when there is none.</summary>
        public string Default => Info.GetValue(Defaults)?.ToString() ?? "";
    }

    public static readonly Flag[] Flags =
    [
        new("--clustering", nameof(SiloSettings.Clustering), "localhost (development, one machine) or redis"),
        new("--storage", nameof(SiloSettings.Storage), "grain storage: memory (lost with the silo), file or redis"),
        new("--storage-path", nameof(SiloSettings.StoragePath), "the folder of file storage (required with --storage file)"),
        new("--redis", nameof(SiloSettings.Redis), "Redis connection string, HOST:PORT[,ssl=true,sslHost=...] (required by redis clustering or storage)"),
        new("--redis-password-file", nameof(SiloSettings.RedisPasswordFile), "a file holding the Redis password (else REDIS_PASSWORD, else the connection string's)"),
        new("--redis-ca-file", nameof(SiloSettings.RedisCaFile), "a CA certificate (PEM or DER) to trust for Redis over TLS; implies ssl=true"),
        new("--cluster-id", nameof(SiloSettings.ClusterId), "Orleans cluster id (clients must use the same)"),
        new("--service-id", nameof(SiloSettings.ServiceId), "Orleans service id"),
        new("--silo-port", nameof(SiloSettings.SiloPort), "silo-to-silo port"),
        new("--gateway-port", nameof(SiloSettings.GatewayPort), "client gateway port"),
        new("--primary-port", nameof(SiloSettings.PrimarySiloPort), "silo port of the primary silo (localhost clustering with several silos)"),
        new("--advertise", nameof(SiloSettings.AdvertisedAddress), "IP address other silos and clients reach this one at, or auto (first non-loopback IPv4)"),
        new("--http-host", nameof(SiloSettings.HttpHost), "address of /health, /dashboard/, /metrics (beyond loopback, a token is required)"),
        new("--http-port", nameof(SiloSettings.HttpPort), "port of /health, /dashboard/, /metrics"),
        new("--http-token-file", nameof(SiloSettings.HttpTokenFile), "a file holding the token /dashboard/ and /metrics require (else HYPERIFT_HTTP_TOKEN; none: open, loopback only)"),
        new("--tls-cert-file", nameof(SiloSettings.TlsCertFile), "PEM certificate (and key, unless --tls-key-file) for mutual TLS between silos and with clients; off when unset"),
        new("--tls-key-file", nameof(SiloSettings.TlsKeyFile), "PEM private key of --tls-cert-file"),
        new("--tls-ca-file", nameof(SiloSettings.TlsCaFile), "the CA (PEM or DER) that signs every silo's and client's certificate; required with --tls-cert-file"),
        new("--probe-timeout", nameof(SiloSettings.ProbeTimeout), "seconds a liveness probe of another silo may take (Orleans' default: 5)"),
        new("--missed-probes", nameof(SiloSettings.MissedProbes), "missed probes in a row after which a silo is suspected dead (Orleans' default: 3)"),
        new("--telemetry", nameof(SiloSettings.TelemetryExporters), "exporters, any of prometheus,otlp,console"),
    ];

    /// <summary>"--flag (Configuration:Key) problem": a bad setting named the way the operator may have written it.</summary>
    public static string Problem(string property, string problem) => $"{Named(property)} {problem}";

    /// <summary>"--flag (Configuration:Key)": a setting named the way the operator may have written it.</summary>
    public static string Named(string property)
    {
        var flag = FlagOf(property);
        return $"{flag.Name} ({flag.Key})";
    }

    /// <summary>The flag that sets <paramref name="property"/>.</summary>
    public static Flag FlagOf(string property) => Flags.Single(f => f.Property == property);

    /// <summary>What a command line asks for: help, an error to print, or configuration overrides.</summary>
    public sealed record Parsed(bool Help, string? Error, IReadOnlyDictionary<string, string?> Settings);

    public static Parsed Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h") return new Parsed(true, null, settings);
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                return Error($"unexpected argument '{arg}' (flags start with --; see --help)");

            int eq = arg.IndexOf('=');
            string name = eq < 0 ? arg : arg[..eq];
            string? key = name.Contains(':') ? name[2..] : Flags.FirstOrDefault(f => f.Name == name)?.Key;
            if (key is null)
                return Error($"unknown flag '{name}' (known: {string.Join(", ", Flags.Select(f => f.Name))}, --help; " +
                             "a configuration key goes as --Section:Key=value)");

            string? value = eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            if (value is null) return Error($"flag '{name}' needs a value (see --help)");
            settings[key] = value;
        }
        return new Parsed(false, null, settings);

        Parsed Error(string message) => new(false, message, settings);
    }

    public static string Help()
    {
        var text = new StringBuilder();
        text.AppendLine("hyperift-silo: one Orleans silo of a HyperIft cluster.");
        text.AppendLine();
        text.AppendLine("usage: hyperift-silo [FLAG VALUE | FLAG=VALUE]... [--Section:Key=value]...");
        text.AppendLine();
        text.AppendLine($"  {"flag",-22} {"configuration key",-30} {"default",-11} meaning");
        foreach (var f in Flags)
            text.AppendLine($"  {f.Name,-22} {f.Key,-30} {(f.Default == "" ? "-" : f.Default),-11} {f.Help}");
        text.AppendLine($"  {"--help, -h",-22} {"",-30} {"",-11} this text");
        text.AppendLine();
        text.AppendLine("Every key can also be set in appsettings.json or as an environment variable with __ for :");
        text.AppendLine("(HyperIft__Storage=redis, ConnectionStrings__redis=HOST:PORT); a flag wins over both. Other");
        text.AppendLine("configuration keys pass through as --Section:Key=value (e.g. --Logging:LogLevel:Orleans=Information),");
        text.AppendLine("unchecked. The Redis password is best kept off the command line: REDIS_PASSWORD or --redis-password-file.");
        text.AppendLine("With a token, /dashboard/ and /metrics answer 401 unless the request carries \"Authorization: Bearer TOKEN\"");
        text.AppendLine("or basic auth with the token as password (any user); /health and /alive stay open.");
        text.AppendLine("With --tls-cert-file, silos and clients speak TLS and each end must show a certificate the CA of --tls-ca-file");
        text.AppendLine("signed (clients: HYPERIFT_TLS_CERT_FILE, HYPERIFT_TLS_KEY_FILE, HYPERIFT_TLS_CA_FILE); every silo of a cluster needs it.");
        text.AppendLine();
        text.AppendLine("example (two silos on one machine, Redis at 127.0.0.1:6390):");
        text.AppendLine("  hyperift-silo --clustering redis --storage redis --redis 127.0.0.1:6390 --silo-port 11111 --gateway-port 30000 --http-port 8080");
        text.AppendLine("  hyperift-silo --clustering redis --storage redis --redis 127.0.0.1:6390 --silo-port 11112 --gateway-port 30001 --http-port 8081");
        text.AppendLine();
        text.AppendLine("exit codes: 0 stopped; 1 the silo failed; 2 bad flags or settings; 75 this silo lost its membership row and could not re-register (restart it).");
        return text.ToString();
    }
}
