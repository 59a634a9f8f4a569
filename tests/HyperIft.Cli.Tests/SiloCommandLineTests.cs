using System.Diagnostics;

namespace HyperIft.Cli.Tests;

/// <summary>
/// The hyperift-silo command line, run as a process: help, unknown flags and bad settings end at
/// once with one line and exit code 2 (never a started silo, a stack trace, or a printed password).
/// </summary>
public class SiloCommandLineTests
{
    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result RunSilo(IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SiloProcess.Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A silo that started instead of refusing would run until killed.
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"hyperift-silo {string.Join(' ', args)} did not exit within 30 s (it started a silo?)");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string OneErrorLine(Result r)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{r.Stderr}");
        Assert.StartsWith("hyperift-silo: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr + r.Stdout);
        return lines[0];
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_lists_every_flag_with_its_key_and_exits_0(string flag)
    {
        var r = RunSilo(null, flag, "--clustering", "redis");
        Assert.Equal(0, r.ExitCode);
        foreach (var f in SiloFlags)
        {
            Assert.Contains(f.Name, r.Stdout);
            Assert.Contains(f.Key, r.Stdout);
        }
        Assert.Contains("example", r.Stdout);
        Assert.DoesNotContain("Orleans", r.Stderr);
    }

    [Fact]
    public void Help_shows_each_default()
    {
        var r = RunSilo(null, "--help");
        Assert.Matches(@"--silo-port +HyperIft:SiloPort +11111 ", r.Stdout);
        Assert.Matches(@"--cluster-id +Orleans:ClusterId +hyperift ", r.Stdout);
        Assert.Matches(@"--telemetry +HyperIft:Telemetry:Exporters +prometheus ", r.Stdout);
        Assert.Matches(@"--redis +ConnectionStrings:redis +- ", r.Stdout);
    }

    [Fact]
    public void A_misspelled_flag_is_named_with_the_known_ones()
    {
        string line = OneErrorLine(RunSilo(null, "--storge", "redis"));
        Assert.Contains("'--storge'", line);
        Assert.Contains("--storage", line);
        Assert.Contains("--http-port", line);
    }

    [Theory]
    [InlineData("--clustering (HyperIft:Clustering) must be localhost or redis, not 'bogus'", "--clustering", "bogus")]
    [InlineData("--storage (HyperIft:Storage) must be memory or file or redis, not 'bogus'", "--storage", "bogus")]
    [InlineData("--silo-port (HyperIft:SiloPort) must be a port number 1-65535, not 'abc'", "--silo-port", "abc")]
    [InlineData("--http-port (HyperIft:HttpPort) must be a port number 1-65535, not '70000'", "--http-port", "70000")]
    [InlineData("--redis (ConnectionStrings:redis) is required by redis clustering", "--clustering", "redis")]
    [InlineData("--redis (ConnectionStrings:redis) is required by redis storage", "--storage", "redis")]
    [InlineData("--storage-path (HyperIft:StoragePath) is required by file storage", "--storage", "file")]
    [InlineData("flag '--redis' needs a value", "--clustering", "redis", "--redis")]
    [InlineData("--telemetry (HyperIft:Telemetry:Exporters) must be any of", "--telemetry=prometheus,zipkin")]
    [InlineData("--advertise (HyperIft:AdvertisedAddress) must be an IP address or auto", "--advertise", "nowhere")]
    [InlineData("--probe-timeout (HyperIft:ProbeTimeout) must be a number of seconds in 0.1-300, not '0'", "--probe-timeout", "0")]
    [InlineData("--probe-timeout (HyperIft:ProbeTimeout) must be a number of seconds in 0.1-300, not 'fast'", "--probe-timeout", "fast")]
    [InlineData("--missed-probes (HyperIft:MissedProbes) must be a whole number in 1-20, not '0'", "--missed-probes", "0")]
    [InlineData("--missed-probes (HyperIft:MissedProbes) must be a whole number in 1-20, not '2.5'", "--missed-probes", "2.5")]
    [InlineData("--tls-ca-file (HyperIft:TlsCaFile) is required by --tls-cert-file", "--tls-cert-file", "/etc/hostname")]
    [InlineData("--tls-cert-file (HyperIft:TlsCertFile) is required by --tls-ca-file", "--tls-ca-file", "/etc/hostname")]
    [InlineData("--tls-cert-file (HyperIft:TlsCertFile) and --tls-ca-file (HyperIft:TlsCaFile) are required by --tls-key-file", "--tls-key-file", "/etc/hostname")]
    [InlineData("--tls-cert-file (HyperIft:TlsCertFile) is required by --tls-key-file and --tls-ca-file", "--tls-key-file", "/etc/hostname", "--tls-ca-file", "/etc/hostname")]
    [InlineData("--tls-ca-file (HyperIft:TlsCaFile) cannot be read: '/etc' is a directory, not a file", "--tls-cert-file", "/etc/hostname", "--tls-ca-file", "/etc")]
    [InlineData("--tls-cert-file (HyperIft:TlsCertFile) cannot be read: '/no/such.pem' does not exist", "--tls-cert-file", "/no/such.pem", "--tls-ca-file", "/etc/hostname")]
    public void A_bad_value_is_one_line_and_exit_2(string expected, params string[] args) =>
        Assert.Contains(expected, OneErrorLine(RunSilo(null, args)));

    [Fact]
    public void Settings_from_the_environment_are_checked_the_same_way() =>
        Assert.Contains("--storage (HyperIft:Storage) must be memory or file or redis, not 'bogus'",
            OneErrorLine(RunSilo(new Dictionary<string, string> { ["HyperIft__Storage"] = "bogus" })));

    [Fact]
    public void Every_bad_setting_is_named_on_the_one_line()
    {
        string line = OneErrorLine(RunSilo(new Dictionary<string, string> { ["HyperIft__GatewayPort"] = "x" }, "--storage", "bogus", "--telemetry", "zipkin"));
        Assert.Contains("--storage (HyperIft:Storage) must be memory or file or redis, not 'bogus'", line);
        Assert.Contains("--gateway-port (HyperIft:GatewayPort) must be a port number 1-65535, not 'x'", line);
        Assert.Contains("--telemetry (HyperIft:Telemetry:Exporters) must be any of prometheus,otlp,console, not 'zipkin'", line);
    }

    [Fact]
    public void A_configuration_key_passes_through_and_the_settings_are_still_checked() =>
        Assert.Contains("--silo-port (HyperIft:SiloPort) must be a port number",
            OneErrorLine(RunSilo(null, "--Logging:LogLevel:Default=Warning", "--HyperIft:SiloPort=0")));

    [Fact]
    public void A_bad_redis_connection_string_does_not_print_its_password()
    {
        var r = RunSilo(null, "--clustering", "redis", "--redis", "127.0.0.1:6379,password=Hunter2Secret,bogus=1");
        string line = OneErrorLine(r);
        Assert.Contains("--redis (ConnectionStrings:redis) is not a Redis connection string", line);
        Assert.DoesNotContain("Hunter2Secret", r.Stdout + r.Stderr);
    }

    [Fact]
    public void An_unreadable_password_file_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-password-{Guid.NewGuid():N}");
        Assert.Contains("--redis-password-file (HyperIft:RedisPasswordFile) cannot be read",
            OneErrorLine(RunSilo(null, "--clustering", "redis", "--redis", "127.0.0.1:6379", "--redis-password-file", missing)));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    public void Http_beyond_loopback_without_a_token_is_refused(string host) =>
        Assert.Contains($"--http-host (HyperIft:HttpHost) '{host}' reaches beyond loopback, so /dashboard and /metrics need a token: --http-token-file FILE or HYPERIFT_HTTP_TOKEN",
            OneErrorLine(RunSilo(null, "--http-host", host)));

    [Fact]
    public void An_empty_or_unreadable_token_file_is_named()
    {
        using var folder = new TempFolder("hyperift-token-");
        string empty = Path.Combine(folder.Root, "token");
        File.WriteAllText(empty, "\n");
        Assert.Contains($"--http-token-file (HyperIft:HttpTokenFile) '{empty}' holds no token (it is empty)",
            OneErrorLine(RunSilo(null, "--http-host", "0.0.0.0", "--http-token-file", empty)));
        Assert.Contains("--http-token-file (HyperIft:HttpTokenFile) cannot be read",
            OneErrorLine(RunSilo(null, "--http-token-file", Path.Combine(folder.Root, "missing"))));
    }

    [Fact]
    public void A_redis_ca_file_that_is_no_certificate_is_named()
    {
        using var folder = new TempFolder("hyperift-ca-");
        string bad = Path.Combine(folder.Root, "ca.pem");
        File.WriteAllText(bad, "not a certificate\n");
        Assert.Contains($"--redis-ca-file (HyperIft:RedisCaFile) '{bad}' is not a PEM or DER certificate",
            OneErrorLine(RunSilo(null, "--clustering", "redis", "--redis", "127.0.0.1:6379,sslHost=localhost", "--redis-ca-file", bad)));
        Assert.Contains("--redis-ca-file (HyperIft:RedisCaFile) cannot be read",
            OneErrorLine(RunSilo(null, "--clustering", "redis", "--redis", "127.0.0.1:6379", "--redis-ca-file", Path.Combine(folder.Root, "missing.pem"))));
    }

    /// <summary>The flags the help must list (kept here, not read from the silo, so a dropped flag fails).</summary>
    private static readonly (string Name, string Key)[] SiloFlags =
    [
        ("--clustering", "HyperIft:Clustering"), ("--storage", "HyperIft:Storage"), ("--storage-path", "HyperIft:StoragePath"),
        ("--redis", "ConnectionStrings:redis"), ("--redis-password-file", "HyperIft:RedisPasswordFile"),
        ("--redis-ca-file", "HyperIft:RedisCaFile"),
        ("--cluster-id", "Orleans:ClusterId"), ("--service-id", "Orleans:ServiceId"), ("--silo-port", "HyperIft:SiloPort"),
        ("--gateway-port", "HyperIft:GatewayPort"), ("--primary-port", "HyperIft:PrimarySiloPort"),
        ("--advertise", "HyperIft:AdvertisedAddress"), ("--http-host", "HyperIft:HttpHost"), ("--http-port", "HyperIft:HttpPort"),
        ("--http-token-file", "HyperIft:HttpTokenFile"),
        ("--telemetry", "HyperIft:Telemetry:Exporters"),
    ];
}
