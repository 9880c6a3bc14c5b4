using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Azure.Tests.KeyVault;

/// <summary>QTSP-like roots and intermediates made in code for the trust anchor tests.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateRoot(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CaRequest(name, key);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    public static X509Certificate2 CreateIntermediate(string name, X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CaRequest(name, key);
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(issuer, now.AddDays(-1), now.AddYears(3), RandomNumberGenerator.GetBytes(16));
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    public static string Pem(params X509Certificate2[] certificates) =>
        string.Join('\n', certificates.Select(c => c.ExportCertificatePem()));

    private static CertificateRequest CaRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}, O=Test QTSP, C=DE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
