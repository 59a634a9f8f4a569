using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace HyperIft.Silo;

/// <summary>
/// One secret guards /dashboard (live traces, grain state) and /metrics once a silo's HTTP endpoint
/// faces more than loopback: the token from --http-token-file or HYPERIFT_HTTP_TOKEN, presented as
/// "Authorization: Bearer TOKEN" (Prometheus' credentials, curl -H) or as the password of HTTP basic
/// auth under any user name (a browser's prompt). /health and /alive stay open for probes.
/// </summary>
public static class HttpAuthentication
{
    public const string TokenVariable = "HYPERIFT_HTTP_TOKEN";

    private static readonly string[] GuardedPrefixes = ["/dashboard", "/metrics"];

    /// <summary>
    /// The token: the file's (a trailing newline is not part of it), else the variable's, else null;
    /// throws <see cref="SettingsException"/> for a file that cannot be read or holds nothing.
    /// </summary>
    public static string? Token(string? tokenFile, string? tokenVariable)
    {
        if (tokenFile is null) return string.IsNullOrEmpty(tokenVariable) ? null : tokenVariable;
        string token;
        try
        {
            token = File.ReadAllText(tokenFile).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(SiloCommandLine.Problem(nameof(SiloSettings.HttpTokenFile), $"cannot be read: {e.Message}"));
        }
        return token.Trim().Length > 0
            ? token
            : throw new SettingsException(SiloCommandLine.Problem(nameof(SiloSettings.HttpTokenFile), $"'{tokenFile}' holds no token (it is empty)"));
    }

    /// <summary>True for an HTTP host only this machine reaches.</summary>
    public static bool IsLoopback(string host)
    {
        host = host.Trim().Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Answers 401 to a request for a guarded path that does not carry the token.</summary>
    public static void Require(WebApplication app, string token)
    {
        byte[] expected = Encoding.UTF8.GetBytes(token);
        app.Use(async (context, next) =>
        {
            if (!Guarded(context.Request.Path) || Presents(context.Request.Headers.Authorization.ToString(), expected))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"hyperift\", charset=\"UTF-8\"";
            await context.Response.WriteAsync("401: this endpoint needs the silo's HTTP token (Authorization: Bearer TOKEN, or basic auth with it as the password)\n");
        });
    }

    private static bool Guarded(PathString path) => GuardedPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether an Authorization header carries the token, compared in constant time.</summary>
    internal static bool Presents(string header, byte[] expected)
    {
        string? secret = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) secret = header["Bearer ".Length..].Trim();
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                string pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                int colon = pair.IndexOf(':');
                secret = colon < 0 ? null : pair[(colon + 1)..];
            }
            catch (FormatException)
            {
                return false;
            }
        }
        return secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), expected);
    }
}
