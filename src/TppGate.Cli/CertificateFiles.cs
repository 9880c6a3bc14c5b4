using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TppGate.Core.Certificates;

namespace TppGate.Cli;

/// <summary>The outcome of reading several certificates from a file: a chain or anchors.</summary>
internal readonly record struct CertificateListResult(IReadOnlyList<X509Certificate2> Certificates, string? ErrorCode, string? Message)
{
    public bool Succeeded => ErrorCode is null;

    public static CertificateListResult Fail(string code, string message) => new([], code, message);
}

/// <summary>
/// Reads files that hold several certificates: a forwarded chain (RFC 9440 Client-Cert-Chain, PEM, bare or
/// concatenated base64 DER, raw DER) or trust anchors. A single-certificate read refuses concatenated DER;
/// a chain is exactly that, so here it is split.
/// </summary>
internal static class CertificateFiles
{
    private const string PemCertificateLabel = "-----BEGIN CERTIFICATE-----";

    public static CertificateListResult ReadMany(byte[] bytes, int maxCertificates)
    {
        string? text = null;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes).Trim();
        }
        catch (DecoderFallbackException)
        {
            // Not text: raw DER.
        }

        if (text is not null && text.StartsWith(':'))
        {
            var chain = ForwardedCertificateReader.ReadRfc9440Chain(text, new CertificateReaderOptions { MaxChainLength = maxCertificates, MaxValueLength = bytes.Length + 1 });
            return chain.Succeeded
                ? new CertificateListResult(chain.Certificates, null, null)
                : CertificateListResult.Fail(InspectCommand.ToUpperSnake(chain.Error.ToString()), chain.Message ?? chain.Error.ToString());
        }

        if (text is not null && text.Contains(PemCertificateLabel, StringComparison.Ordinal))
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPem(text);
            }
            catch (CryptographicException ex)
            {
                Dispose(collection);
                return CertificateListResult.Fail("INVALID_PEM", ex.Message);
            }

            return Limit([.. collection], maxCertificates);
        }

        var der = bytes;
        if (text is not null)
        {
            var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
            der = new byte[compact.Length];
            if (!Convert.TryFromBase64String(compact, der, out var written))
            {
                return CertificateListResult.Fail("INVALID_BASE64", "the file is neither PEM, an RFC 9440 list nor base64 DER");
            }

            der = der[..written];
        }

        return SplitDer(der, maxCertificates);
    }

    private static CertificateListResult SplitDer(ReadOnlySpan<byte> der, int maxCertificates)
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            while (!der.IsEmpty)
            {
                AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var consumed);
                certificates.Add(X509CertificateLoader.LoadCertificate(der[..consumed]));
                der = der[consumed..];
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            Dispose(certificates);
            return CertificateListResult.Fail("INVALID_DER", $"certificate {certificates.Count + 1} is not DER X.509: {ex.Message}");
        }

        return Limit(certificates, maxCertificates);
    }

    private static CertificateListResult Limit(List<X509Certificate2> certificates, int maxCertificates)
    {
        if (certificates.Count == 0)
        {
            return CertificateListResult.Fail("MISSING", "the file holds no certificate");
        }

        if (certificates.Count > maxCertificates)
        {
            Dispose(certificates);
            return CertificateListResult.Fail("TOO_LARGE", $"more than {maxCertificates} certificates");
        }

        return new CertificateListResult(certificates, null, null);
    }

    private static void Dispose(IEnumerable<X509Certificate2> certificates)
    {
        foreach (var c in certificates)
        {
            c.Dispose();
        }
    }
}
