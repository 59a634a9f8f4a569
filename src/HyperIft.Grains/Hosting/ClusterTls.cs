using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace HyperIft.Grains.Hosting;

/// <summary>The part of a TLS setting a problem is in, for the caller to name as its own flag or variable.</summary>
public enum TlsSetting { CertificateFile, KeyFile, CaFile }

/// <summary>A TLS setting that cannot work, with the part at fault.</summary>
public sealed class TlsSettingException(TlsSetting setting, string problem) : Exception(problem)
{
    public TlsSetting Setting { get; } = setting;
}

/// <summary>
/// Mutual TLS between silos and between clients and gateways: every end presents a certificate
/// signed by the cluster's own CA and accepts only peers whose certificate that CA signed. Silos
/// and gateways are reached by IP address, so the CA is the trust anchor, not the host name
/// (a name mismatch alone is accepted; an untrusted or expired chain never is). Roles are not told
/// apart: whoever holds a certificate of the CA may speak as a silo, so the CA must be the cluster's
/// own and sign only for its silos and trusted operators.
/// </summary>
public sealed class ClusterTls
{
    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities) => (Certificate, Authorities) = (certificate, authorities);

    /// <summary>This end's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The CAs a peer's certificate may chain to: self-signed roots (several while one replaces another) and
    /// the intermediate CAs between them and the leaves.
    /// </summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>
    /// The one rule for TLS settings given in part: a key or a CA needs the certificate, a certificate or a key
    /// needs the CA. Null when nothing is missing; else "X [and Y] is|are required by A [and B] (what X is)",
    /// in the caller's words: a silo names its flags, a client its environment variables.
    /// </summary>
    /// <param name="missingName">names a missing setting in full (a silo adds its configuration key)</param>
    /// <param name="givenName">names a setting that was given</param>
    /// <param name="purpose">says what a missing setting is for</param>
    public static string? Incomplete(bool certificate, bool key, bool authority,
        Func<TlsSetting, string> missingName, Func<TlsSetting, string> givenName, Func<TlsSetting, string> purpose)
    {
        var missing = new List<TlsSetting>();
        if (!certificate && (key || authority)) missing.Add(TlsSetting.CertificateFile);
        if (!authority && (certificate || key)) missing.Add(TlsSetting.CaFile);
        if (missing.Count == 0) return null;
        // A certificate is what needs the CA (its key comes with it); without one, whatever was given needs it.
        TlsSetting[] requiring = certificate
            ? [TlsSetting.CertificateFile]
            : [.. new[] { (key, TlsSetting.KeyFile), (authority, TlsSetting.CaFile) }.Where(g => g.Item1).Select(g => g.Item2)];
        return $"{string.Join(" and ", missing.Select(missingName))} {(missing.Count == 1 ? "is" : "are")} required by "
               + $"{string.Join(" and ", requiring.Select(givenName))} ({string.Join("; ", missing.Select(purpose))})";
    }

    /// <summary>
    /// Loads a PEM certificate with its key (in <paramref name="keyFile"/>, or in the certificate
    /// file itself when that is null) and the CA; throws <see cref="TlsSettingException"/> naming the file at fault.
    /// </summary>
    public static ClusterTls Load(string certificateFile, string? keyFile, string caFile)
    {
        Readable(TlsSetting.CertificateFile, certificateFile);
        if (keyFile is not null) Readable(TlsSetting.KeyFile, keyFile);
        Readable(TlsSetting.CaFile, caFile);

        X509Certificate2Collection authorities;
        try
        {
            authorities = LoadAuthorities(caFile);
        }
        catch (CryptographicException e)
        {
            throw new TlsSettingException(TlsSetting.CaFile, $"'{caFile}' is not a PEM or DER certificate ({e.Message.TrimEnd('.')})");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (CryptographicException e)
        {
            // Which file is wrong: a certificate file that parses on its own has a bad or missing key.
            bool certificateParses = TryLoad(certificateFile);
            var setting = certificateParses ? (keyFile is null ? TlsSetting.CertificateFile : TlsSetting.KeyFile) : TlsSetting.CertificateFile;
            string file = setting == TlsSetting.KeyFile ? keyFile! : certificateFile;
            string what = certificateParses ? "holds no private key matching the certificate" : "is not a PEM certificate";
            throw new TlsSettingException(setting, $"'{file}' {what} ({e.Message.TrimEnd('.')})");
        }
        catch (ArgumentException e)
        {
            throw new TlsSettingException(keyFile is null ? TlsSetting.CertificateFile : TlsSetting.KeyFile,
                $"'{keyFile ?? certificateFile}' holds no PEM private key ({e.Message.TrimEnd('.')})");
        }
        if (!certificate.HasPrivateKey)
            throw new TlsSettingException(keyFile is null ? TlsSetting.CertificateFile : TlsSetting.KeyFile, $"'{keyFile ?? certificateFile}' holds no private key");
        var now = DateTime.Now;
        if (certificate.NotBefore > now)
            throw new TlsSettingException(TlsSetting.CertificateFile, $"'{certificateFile}' is not valid before {certificate.NotBefore.ToUniversalTime():u}");
        if (certificate.NotAfter < now)
            throw new TlsSettingException(TlsSetting.CertificateFile, $"'{certificateFile}' expired at {certificate.NotAfter.ToUniversalTime():u}");
        if (!Trusts(authorities, certificate))
            throw new TlsSettingException(TlsSetting.CertificateFile,
                $"'{certificateFile}' is not signed by a CA in '{caFile}' (an intermediate CA that signed it goes in that file too, with its root)");
        return new ClusterTls(certificate, authorities);
    }

    /// <summary>Both ends of a connection: present <see cref="Certificate"/>, require the peer's, accept only the CA's.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The peer's intermediates (if its CA is one) come with the handshake's chain.
        options.RemoteCertificateValidation = (certificate, presented, errors) =>
            certificate is not null && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
            && Trusts(Authorities, certificate, presented?.ChainPolicy.ExtraStore);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to a self-signed one of <paramref name="authorities"/> (no system
    /// roots), now, through the intermediates among them or <paramref name="intermediates"/> (a handshake's).
    /// </summary>
    public static bool Trusts(X509Certificate2Collection authorities, X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        // A custom trust store takes roots only: an intermediate there is no anchor, but it is a link.
        foreach (var authority in authorities)
            (authority.SubjectName.RawData.AsSpan().SequenceEqual(authority.IssuerName.RawData)
                ? chain.ChainPolicy.CustomTrustStore : chain.ChainPolicy.ExtraStore).Add(authority);
        if (intermediates is not null) chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Every certificate of a PEM bundle (a CA being replaced and its successor), or the one of a DER file.</summary>
    private static X509Certificate2Collection LoadAuthorities(string file)
    {
        var bundle = new X509Certificate2Collection();
        if (File.ReadAllText(file).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) bundle.ImportFromPemFile(file);
        else bundle.Add(X509CertificateLoader.LoadCertificateFromFile(file));
        return bundle;
    }

    private static void Readable(TlsSetting setting, string file)
    {
        if (Directory.Exists(file)) throw new TlsSettingException(setting, $"cannot be read: '{file}' is a directory, not a file");
        if (!File.Exists(file)) throw new TlsSettingException(setting, $"cannot be read: '{file}' does not exist");
        try
        {
            using var _ = File.OpenRead(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsSettingException(setting, $"cannot be read: {e.Message}");
        }
    }

    private static bool TryLoad(string file)
    {
        try
        {
            X509CertificateLoader.LoadCertificateFromFile(file).Dispose();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
