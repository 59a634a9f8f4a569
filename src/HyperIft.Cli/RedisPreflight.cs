using HyperIft.Abstractions;
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

    public static async Task Check(string connection, string serviceId, string clusterId, CancellationToken ct)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connection);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"--cluster: not a Redis connection string ({Redaction.Redact(e.Message)})");
        }
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = (int)Timeout.TotalMilliseconds;
        options.ConnectRetry = 1;
        string where = string.Join(",", options.EndPoints.Select(e => e.ToString()));

        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout + Timeout, ct);
        }
        catch (RedisConnectionException e) when (e.FailureType == ConnectionFailureType.AuthenticationFailure
                                                 || e.Message.Contains("NOAUTH", StringComparison.Ordinal)
                                                 || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
        {
            throw new ClusterUnavailableException($"Redis at {where} refused authentication: check the password in the connection string");
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
                throw new ClusterUnavailableException($"Redis at {where} refused authentication: check the password in the connection string");
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

    /// <summary>"hyperift/members/mp-test" → "cluster id 'mp-test' (service id 'hyperift')".</summary>
    private static string Describe(string key)
    {
        int at = key.IndexOf("/members/", StringComparison.Ordinal);
        return $"cluster id '{key[(at + 9)..]}' (service id '{key[..at]}')";
    }
}
