using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Pki;

/// <summary>Writes certificates and keys in the text forms a development PKI puts on disk or in headers.</summary>
public static class PkiExport
{
    /// <summary>The certificate as PEM (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>Several certificates as concatenated PEM, in order.</summary>
    public static string CertificatesPem(IEnumerable<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var sb = new System.Text.StringBuilder();
        foreach (var c in certificates)
        {
            sb.Append(c.ExportCertificatePem()).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The private key as unencrypted PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="certificate"/> has no ECDSA or RSA private key.</exception>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = KeyFactory.PrivateKeyOf(certificate);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Bare base64 of the DER certificate, as App Service writes <c>X-ARR-ClientCert</c>.</summary>
    public static string Base64Der(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(certificate.RawData);
    }

    /// <summary>RFC 9440 <c>Client-Cert</c>: the DER as a structured-field byte sequence <c>:base64:</c>.</summary>
    public static string Rfc9440(X509Certificate2 certificate) => ":" + Base64Der(certificate) + ":";

    /// <summary>A PFX of the certificate and its key, for Kestrel or an HTTP client.</summary>
    public static byte[] Pkcs12(X509Certificate2 certificate, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Export(X509ContentType.Pkcs12, password);
    }

    /// <summary>The SHA-256 of the DER certificate, lower-case hex.</summary>
    public static string Sha256Hex(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }
}
