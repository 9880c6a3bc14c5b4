using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Certificates;

/// <summary>
/// The SHA-256 identities of one certificate. SHA-1 is never computed: nothing is keyed on it.
/// </summary>
/// <param name="Sha256Hex">SHA-256 of the DER certificate, lower-case hex (64 characters).</param>
/// <param name="X5tS256">RFC 8705 <c>x5t#S256</c>: the same hash, base64url without padding (43 characters).</param>
/// <param name="SpkiSha256Hex">SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex; survives a renewal that keeps the key.</param>
public sealed record CertificateThumbprints(string Sha256Hex, string X5tS256, string SpkiSha256Hex)
{
    /// <summary>Computes the thumbprints of <paramref name="certificate"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    public static CertificateThumbprints Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.RawDataMemory.Span, hash);
        var sha256Hex = Convert.ToHexStringLower(hash);
        var x5t = Base64Url.Encode(hash);
        SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo(), hash);
        return new CertificateThumbprints(sha256Hex, x5t, Convert.ToHexStringLower(hash));
    }
}
