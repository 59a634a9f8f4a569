using HyperIft.Abstractions;
using StackExchange.Redis;

namespace HyperIft.Silo;

/// <summary>
/// The Redis connection of a silo: the connection string (which may carry ssl=true, sslHost=...,
/// user=...) with the password merged in from a file or the environment, so it need not appear on
/// a command line or in a process listing. Precedence: the password file, then REDIS_PASSWORD, then
/// the connection string's own password=.
/// </summary>
public static class RedisConnection
{
    public const string PasswordVariable = "REDIS_PASSWORD";

    public static ConfigurationOptions Options(string connectionString, string? passwordFile, string? passwordVariable)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException)
        {
            // The parser's message can quote the string back: mask it.
            throw Bad(nameof(SiloSettings.Redis), $"is not a Redis connection string: {Redaction.Redact(e.Message)}");
        }
        if (options.EndPoints.Count == 0) throw Bad(nameof(SiloSettings.Redis), "names no HOST:PORT");

        if (passwordFile is not null)
        {
            try
            {
                // A trailing newline is how files end, never part of a password.
                options.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Bad(nameof(SiloSettings.RedisPasswordFile), $"cannot be read: {e.Message}");
            }
        }
        else if (!string.IsNullOrEmpty(passwordVariable))
        {
            options.Password = passwordVariable;
        }
        return options;
    }

    private static SettingsException Bad(string property, string problem) => new(SiloCommandLine.Problem(property, problem));
}
