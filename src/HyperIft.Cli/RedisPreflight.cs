using HyperIft.Abstractions;
using HyperIft.Grains.Hosting;
using StackExchange.Redis;

namespace HyperIft.Cli;

/// <summary>
/// Before the Orleans client looks for gateways (which, on any failure, only says "no gateway"
/// after ~25 s), one direct look at the cluster's Redis says what is wrong in words: unreachable,
/// refused authentication, or no silos registered under this cluster id (and which ids there are).
/// </summary>
public static class RedisPreflight
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The cluster's Redis connection: --cluster (or HYPERIFT_CLUSTER) with the password from the file named by
    /// REDIS_PASSWORD_FILE or from REDIS_PASSWORD (so it is on no command line), and the CA named by REDIS_CA_FILE
    /// for TLS; a bad one is a usage error naming the flag or the variable.
    /// </summary>
    public static ConfigurationOptions Options(string cluster)
    {
        try
        {
            return RedisConnection.Options(cluster, Variable(PasswordFileVariable), Variable(RedisConnection.PasswordVariable), Variable(CaFileVariable));
        }
        catch (RedisSettingException e)
        {
            string what = e.Setting switch
            {
                RedisSetting.PasswordFile => PasswordFileVariable,
                RedisSetting.CaFile => CaFileVariable,
                _ => "--cluster",
            };
            throw new UsageException($"{what}: {e.Message}");
        }

        static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    }

    public const string PasswordFileVariable = "REDIS_PASSWORD_FILE";
    public const string CaFileVariable = "REDIS_CA_FILE";

    public static async Task Check(ConfigurationOptions connection, string serviceId, string clusterId, CancellationToken ct)
    {
        var options = connection.Clone();
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = (int)Timeout.TotalMilliseconds;
        options.ConnectRetry = 1;
        string where = string.Join(",", options.EndPoints.Select(e => e.ToString()));

        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout + Timeout, ct);
        }
        catch (RedisConnectionException e) when (FailedTls(e))
        {
            throw new ClusterUnavailableException($"Redis at {where} failed the TLS handshake ({FirstLine(TlsCause(e))}); "
                + $"a certificate no system authority signed needs {CaFileVariable} naming the CA that did");
        }
        catch (RedisConnectionException e) when (e.FailureType == ConnectionFailureType.AuthenticationFailure
                                                 || e.Message.Contains("NOAUTH", StringComparison.Ordinal)
                                                 || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
        {
            throw new ClusterUnavailableException($"Redis at {where} refused authentication: check the password (REDIS_PASSWORD, REDIS_PASSWORD_FILE or the connection string's)");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new ClusterUnavailableException($"cannot reach the cluster's Redis at {where} ({e.GetBaseException().Message.Split('\n')[0]})");
        }
        await using (redis)
        {
            var db = redis.GetDatabase();
            try
            {
                if (await db.KeyExistsAsync($"{serviceId}/members/{clusterId}")) return;
            }
            catch (RedisServerException e) when (e.Message.Contains("NOAUTH", StringComparison.Ordinal) || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
            {
                throw new ClusterUnavailableException($"Redis at {where} refused authentication: check the password (REDIS_PASSWORD, REDIS_PASSWORD_FILE or the connection string's)");
            }
            var others = new List<string>();
            foreach (var endpoint in redis.GetEndPoints())
            {
                var server = redis.GetServer(endpoint);
                if (server.IsReplica) continue;
                await foreach (var key in server.KeysAsync(pattern: "*/members/*", pageSize: 100).Take(20).WithCancellation(ct))
                    others.Add(key.ToString());
            }
            string found = others.Count == 0
                ? "no HyperIft silos are registered there"
                : $"silos are registered under {string.Join(", ", others.Select(Describe))}";
            throw new ClusterUnavailableException(
                $"no silos of cluster id '{clusterId}' (service id '{serviceId}') in Redis at {where}: {found}; " +
                "set HYPERIFT_CLUSTER_ID (and HYPERIFT_SERVICE_ID) to the silos' --cluster-id (--service-id)");
        }
    }

    /// <summary>A connection that failed on the server's certificate, not on the password.</summary>
    private static bool FailedTls(Exception e) => TlsCause(e) is not null;

    private static Exception? TlsCause(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is System.Security.Authentication.AuthenticationException) return x;
        return null;
    }

    private static string FirstLine(Exception? e) => (e?.Message ?? "").Split('\n')[0].TrimEnd('.');

    /// <summary>"hyperift/members/mp-test" → "cluster id 'mp-test' (service id 'hyperift')".</summary>
    private static string Describe(string key)
    {
        int at = key.IndexOf("/members/", StringComparison.Ordinal);
        return $"cluster id '{key[(at + 9)..]}' (service id '{key[..at]}')";
    }
}
