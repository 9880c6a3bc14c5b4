using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Cli.Tests;

/// <summary>A root, an issuing CA and a clientAuth leaf made in code, written to a temporary folder.</summary>
internal sealed class CliTestPki : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tppgate-cli-").FullName;

    public CliTestPki()
    {
        Root = SelfSigned("CLI Test Root");
        Issuing = Issue(Root, "CLI Test Issuing CA", isCa: true, CliRunner.Now.AddYears(-2), CliRunner.Now.AddYears(5));
        Leaf = Issue(Issuing, "tpp.example", isCa: false, CliRunner.Now.AddDays(-30), CliRunner.Now.AddDays(60));
        OtherRoot = SelfSigned("Unrelated Root");
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Issuing { get; }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2 OtherRoot { get; }

    public string Sha256Hex(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    public string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string AnchorsFile() => Write("anchors.pem", Root.ExportCertificatePem() + "\n" + Issuing.ExportCertificatePem() + "\n");

    public void Dispose()
    {
        Root.Dispose();
        Issuing.Dispose();
        Leaf.Dispose();
        OtherRoot.Dispose();
        Directory.Delete(folder, true);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=TppGate Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(CliRunner.Now.AddYears(-5), CliRunner.Now.AddYears(10));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string name, bool isCa, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=TppGate Tests, C=GB", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(isCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (!isCa)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("tpp.example");
            san.AddDnsName("api.tpp.example");
            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = request.Create(issuer, notBefore, notAfter, Serial());
        return isCa ? certificate.CopyWithPrivateKey(key) : X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}
