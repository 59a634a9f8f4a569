using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HyperIft.Grains.Hosting;

namespace HyperIft.Cli.Tests;

/// <summary>
/// The certificates of the cluster's mutual TLS: what loads, what a peer must chain to, and which file a
/// problem is named in. Certificates are made here (a CA, leaves it signed, a stranger CA's leaf).
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hyperift-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A CA with its key: self-signed, or signed by <paramref name="root"/> (an intermediate).</summary>
    private static X509Certificate2 Authority(string name, X509Certificate2? root = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return root is null
            ? request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2))
            : request.Create(root, DateTimeOffset.UtcNow.AddMinutes(-8), DateTimeOffset.UtcNow.AddDays(1.5), [5, 6, 7, 8]).CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Leaf(X509Certificate2 authority, string name, DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var signed = request.Create(authority, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate (PEM) and, when asked, its key (PEM); returns the paths.</summary>
    private (string Certificate, string Key) Write(X509Certificate2 certificate, string name)
    {
        string cert = Path.Combine(_folder, name + ".pem"), key = Path.Combine(_folder, name + ".key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        if (certificate.HasPrivateKey) File.WriteAllText(key, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    [Fact]
    public void A_leaf_the_CA_signed_loads_with_its_key_and_is_trusted_and_a_stranger_is_not()
    {
        var ca = Authority("cluster-ca");
        var stranger = Leaf(Authority("other-ca"), "stranger");
        var (caFile, _) = Write(ca, "ca");
        var (cert, key) = Write(Leaf(ca, "silo"), "silo");

        var tls = ClusterTls.Load(cert, key, caFile);

        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal("CN=silo", tls.Certificate.Subject);
        Assert.True(ClusterTls.Trusts(tls.Authorities, tls.Certificate));
        Assert.False(ClusterTls.Trusts(tls.Authorities, stranger));
        Assert.False(ClusterTls.Trusts(tls.Authorities, X509CertificateLoader.LoadCertificate(Authority("cluster-ca").Export(X509ContentType.Cert))),
            "a CA of the same name but another key must not pass for the cluster's");
    }

    [Fact]
    public void A_CA_bundle_trusts_both_CAs_while_one_replaces_the_other_and_a_future_certificate_is_named_as_such()
    {
        var (old, next) = (Authority("old-ca"), Authority("new-ca"));
        string bundle = Path.Combine(_folder, "bundle.pem");
        File.WriteAllText(bundle, old.ExportCertificatePem() + "\n" + next.ExportCertificatePem() + "\n");
        var (oldCert, oldKey) = Write(Leaf(old, "old-silo"), "old-silo");
        var (newCert, newKey) = Write(Leaf(next, "new-silo"), "new-silo");

        var tls = ClusterTls.Load(newCert, newKey, bundle);
        Assert.Equal(2, tls.Authorities.Count);
        Assert.True(ClusterTls.Trusts(tls.Authorities, ClusterTls.Load(oldCert, oldKey, bundle).Certificate));

        var future = Leaf(next, "future", notBefore: DateTimeOffset.UtcNow.AddHours(1));
        var (futureCert, futureKey) = Write(future, "future");
        Problem(TlsSetting.CertificateFile, "is not valid before", futureCert, futureKey, bundle);
    }

    [Fact]
    public void A_leaf_an_intermediate_CA_signed_is_trusted_with_the_intermediate_beside_the_root_and_named_without()
    {
        var root = Authority("root-ca");
        var intermediate = Authority("intermediate-ca", root);
        var (rootFile, _) = Write(root, "root");
        var (intermediateFile, _) = Write(intermediate, "intermediate");
        string bundle = Path.Combine(_folder, "root-and-intermediate.pem");
        File.WriteAllText(bundle, root.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        var (cert, key) = Write(Leaf(intermediate, "silo"), "silo");

        var tls = ClusterTls.Load(cert, key, bundle);

        Assert.Equal("CN=silo", tls.Certificate.Subject);
        Assert.True(ClusterTls.Trusts(tls.Authorities, tls.Certificate));
        Assert.False(ClusterTls.Trusts(tls.Authorities, Leaf(Authority("intermediate-ca", Authority("root-ca")), "silo")),
            "a chain of the same names under another root must not pass");
        Problem(TlsSetting.CertificateFile, "an intermediate CA that signed it goes in that file too, with its root", cert, key, rootFile);
        // An intermediate alone is no anchor: the chain must end in a self-signed CA of the file.
        Problem(TlsSetting.CertificateFile, "is not signed by a CA", cert, key, intermediateFile);
    }

    [Fact]
    public void Certificate_and_key_in_one_file_load()
    {
        var ca = Authority("cluster-ca");
        var (caFile, _) = Write(ca, "ca");
        var (cert, key) = Write(Leaf(ca, "silo"), "silo");
        string both = Path.Combine(_folder, "both.pem");
        File.WriteAllText(both, File.ReadAllText(cert) + "\n" + File.ReadAllText(key));

        Assert.True(ClusterTls.Load(both, null, caFile).Certificate.HasPrivateKey);
    }

    [Fact]
    public void Each_bad_file_is_named_as_its_own_setting()
    {
        var ca = Authority("cluster-ca");
        var (caFile, _) = Write(ca, "ca");
        var (cert, key) = Write(Leaf(ca, "silo"), "silo");
        var (otherCert, otherKey) = Write(Leaf(Authority("other-ca"), "stranger"), "stranger");
        var (expired, expiredKey) = Write(Leaf(ca, "old", DateTimeOffset.UtcNow.AddMinutes(-1)), "old");
        string text = Path.Combine(_folder, "text.pem");
        File.WriteAllText(text, "not a certificate\n");

        Problem(TlsSetting.CertificateFile, "does not exist", Path.Combine(_folder, "none.pem"), key, caFile);
        Problem(TlsSetting.KeyFile, "does not exist", cert, Path.Combine(_folder, "none.key"), caFile);
        Problem(TlsSetting.CaFile, "does not exist", cert, key, Path.Combine(_folder, "none-ca.pem"));
        Problem(TlsSetting.CaFile, "is not a PEM or DER certificate", cert, key, text);
        Problem(TlsSetting.CertificateFile, "is not a PEM certificate", text, key, caFile);
        Problem(TlsSetting.KeyFile, "holds no", cert, caFile, caFile);
        Problem(TlsSetting.KeyFile, "no private key matching", cert, otherKey, caFile);
        Problem(TlsSetting.CertificateFile, "holds no", cert, null, caFile);
        Problem(TlsSetting.CertificateFile, "is not signed by a CA in", otherCert, otherKey, caFile);
        Problem(TlsSetting.CertificateFile, "expired at", expired, expiredKey, caFile);
    }

    [Fact]
    public void A_directory_given_as_a_file_is_named_as_a_directory()
    {
        var ca = Authority("cluster-ca");
        var (caFile, _) = Write(ca, "ca");
        var (cert, key) = Write(Leaf(ca, "silo"), "silo");
        string folder = Directory.CreateDirectory(Path.Combine(_folder, "certs")).FullName;

        Problem(TlsSetting.CaFile, $"'{folder}' is a directory, not a file", cert, key, folder);
        Problem(TlsSetting.CertificateFile, $"'{folder}' is a directory, not a file", folder, key, caFile);
        Problem(TlsSetting.KeyFile, $"'{folder}' is a directory, not a file", cert, folder, caFile);
    }

    [Theory]
    [InlineData("HYPERIFT_TLS_CERT_FILE and HYPERIFT_TLS_CA_FILE are required by HYPERIFT_TLS_KEY_FILE", "HYPERIFT_TLS_KEY_FILE")]
    [InlineData("HYPERIFT_TLS_CERT_FILE is required by HYPERIFT_TLS_CA_FILE", "HYPERIFT_TLS_CA_FILE")]
    [InlineData("HYPERIFT_TLS_CERT_FILE is required by HYPERIFT_TLS_KEY_FILE and HYPERIFT_TLS_CA_FILE", "HYPERIFT_TLS_KEY_FILE", "HYPERIFT_TLS_CA_FILE")]
    public void A_client_without_its_certificate_is_told_what_is_missing_and_by_what(string expected, params string[] set)
    {
        var environment = set.ToDictionary(name => name, _ => "/etc/hostname");
        CliAssert.BadInput(CliRunner.RunWith(environment, "runs", "list", "--cluster", "localhost:1"), expected);
    }

    private static void Problem(TlsSetting setting, string words, string cert, string? key, string ca)
    {
        var e = Assert.Throws<TlsSettingException>(() => ClusterTls.Load(cert, key, ca));
        Assert.Equal(setting, e.Setting);
        Assert.Contains(words, e.Message);
    }
}
