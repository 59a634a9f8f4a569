using HyperIft.Grains.Hosting;

namespace HyperIft.Cli;

/// <summary>
/// The client's side of a cluster's mutual TLS (silos started with --tls-cert-file): a certificate the
/// cluster's CA signed, with its key, and that CA, all named by environment variables so that the
/// console's flags stay those of the problem. None set: plain TCP.
/// </summary>
public static class ClientTls
{
    public const string CertificateVariable = "HYPERIFT_TLS_CERT_FILE";
    public const string KeyVariable = "HYPERIFT_TLS_KEY_FILE";
    public const string CaVariable = "HYPERIFT_TLS_CA_FILE";

    /// <summary>The TLS to use, or null; a variable that cannot work is a usage error naming it.</summary>
    public static ClusterTls? FromEnvironment()
    {
        string? certificate = Variable(CertificateVariable), key = Variable(KeyVariable), authority = Variable(CaVariable);
        if (ClusterTls.Incomplete(certificate is not null, key is not null, authority is not null, Name, Name,
                s => s == TlsSetting.CaFile ? "the CA that signed the silos' certificates" : "the client's certificate for the cluster's TLS") is { } incomplete)
            throw new UsageException(incomplete);
        if (certificate is null || authority is null) return null;
        try
        {
            return ClusterTls.Load(certificate, key, authority);
        }
        catch (TlsSettingException e)
        {
            throw new UsageException($"{Name(e.Setting)}: {e.Message}");
        }
    }

    private static string Name(TlsSetting setting) => setting switch
    {
        TlsSetting.KeyFile => KeyVariable,
        TlsSetting.CaFile => CaVariable,
        _ => CertificateVariable,
    };

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
