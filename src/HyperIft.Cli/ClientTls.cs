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
        if (certificate is null)
        {
            // Named: what is missing, and only the variables that were set as what requires it.
            if (key is not null || authority is not null)
                throw new UsageException(authority is null
                    ? $"{CertificateVariable} and {CaVariable} are required by {KeyVariable} (the client's certificate for the cluster's TLS and the CA that signed the silos')"
                    : $"{CertificateVariable} is required by {(key is not null ? $"{KeyVariable} and " : "")}{CaVariable} (the client's certificate for the cluster's TLS)");
            return null;
        }
        if (authority is null)
            throw new UsageException($"{CaVariable} is required by {CertificateVariable} (the CA that signed the silos' certificates)");
        try
        {
            return ClusterTls.Load(certificate, key, authority);
        }
        catch (TlsSettingException e)
        {
            string variable = e.Setting switch
            {
                TlsSetting.KeyFile => KeyVariable,
                TlsSetting.CaFile => CaVariable,
                _ => CertificateVariable,
            };
            throw new UsageException($"{variable}: {e.Message}");
        }
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
