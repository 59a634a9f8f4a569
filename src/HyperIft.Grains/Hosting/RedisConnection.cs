using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HyperIft.Abstractions;
using StackExchange.Redis;

namespace HyperIft.Grains.Hosting;

/// <summary>The part of a Redis connection a problem is in, for the caller to name as its own flag.</summary>
public enum RedisSetting { Connection, PasswordFile, CaFile }

/// <summary>A Redis connection that cannot work, with the part at fault.</summary>
public sealed class RedisSettingException(RedisSetting setting, string problem) : Exception(problem)
{
    public RedisSetting Setting { get; } = setting;
}

/// <summary>
/// The Redis connection of a silo or a client: the connection string (which may carry ssl=true,
/// sslHost=..., user=...) with the password merged in from a file or the environment, so that it
/// need appear on no command line or process listing, and with a CA certificate to trust for TLS
/// (a Redis whose certificate no system authority signed). Precedence for the password: the file,
/// then REDIS_PASSWORD, then the connection string's own password=.
/// </summary>
public static class RedisConnection
{
    public const string PasswordVariable = "REDIS_PASSWORD";

    public static ConfigurationOptions Options(string connectionString, string? passwordFile, string? passwordVariable, string? caFile = null)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException)
        {
            // The parser's message can quote the string back: mask it.
            throw new RedisSettingException(RedisSetting.Connection, $"is not a Redis connection string: {Redaction.Redact(e.Message)}");
        }
        if (options.EndPoints.Count == 0) throw new RedisSettingException(RedisSetting.Connection, "names no HOST:PORT");

        if (passwordFile is not null)
        {
            try
            {
                // A trailing newline is how files end, never part of a password.
                options.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RedisSettingException(RedisSetting.PasswordFile, $"cannot be read: {e.Message}");
            }
        }
        else if (!string.IsNullOrEmpty(passwordVariable))
        {
            options.Password = passwordVariable;
        }

        if (caFile is not null)
        {
            X509Certificate2 authority;
            if (!File.Exists(caFile)) throw new RedisSettingException(RedisSetting.CaFile, $"cannot be read: '{caFile}' does not exist");
            try
            {
                authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RedisSettingException(RedisSetting.CaFile, $"cannot be read: {e.Message}");
            }
            catch (CryptographicException e)
            {
                throw new RedisSettingException(RedisSetting.CaFile, $"'{caFile}' is not a PEM or DER certificate ({e.Message.TrimEnd('.')})");
            }
            // A CA to trust only means something over TLS.
            options.Ssl = true;
            options.TrustIssuer(authority);
        }
        return options;
    }
}
