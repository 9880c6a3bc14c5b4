using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Certificates;

/// <summary>
/// Turns bytes into exactly one X.509 certificate, refusing anything that is not strict DER: containers,
/// trailing bytes, a second certificate, indefinite or non-minimal lengths.
/// </summary>
internal static class DerCertificate
{
    private const int MaxDepth = 24;

    // OID 1.2.840.113549.1.7 (PKCS#7 content types), as the first element of a ContentInfo.
    private static ReadOnlySpan<byte> Pkcs7ContentTypePrefix => [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07];

    // PFX version INTEGER 3 (RFC 7292 clause 4).
    private static ReadOnlySpan<byte> PfxVersion3 => [0x02, 0x01, 0x03];

    public static CertificateReadError TryLoad(ReadOnlySpan<byte> der, out X509Certificate2? certificate, out string? message)
    {
        certificate = null;
        var error = Check(der, out message);
        if (error != CertificateReadError.None)
        {
            return error;
        }

        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);

            // OpenSSL parses validity times and names lazily: a certificate with a malformed UTCTime loads, then
            // throws from NotAfter. Touch them here so every later reader gets values, never an exception.
            _ = certificate.NotBefore;
            _ = certificate.NotAfter;
            _ = certificate.Subject;
            _ = certificate.Issuer;
            return CertificateReadError.None;
        }
        catch (CryptographicException)
        {
            certificate?.Dispose();
            certificate = null;
            message = "The bytes are DER but not an X.509 certificate.";
            return CertificateReadError.InvalidDer;
        }
    }

    /// <summary>Checks the outer shape and every length of the encoding without loading it.</summary>
    public static CertificateReadError Check(ReadOnlySpan<byte> der, out string? message)
    {
        message = null;
        if (der.Length < 2 || der[0] != 0x30)
        {
            message = "The value is not a DER SEQUENCE.";
            return CertificateReadError.InvalidDer;
        }

        if (LooksLikeContainer(der))
        {
            message = "A PKCS#7 or PKCS#12 container was sent instead of one certificate.";
            return CertificateReadError.ContainerNotAllowed;
        }

        try
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out var consumed);
            if (consumed < der.Length)
            {
                var rest = der[consumed..];
                if (rest[0] == 0x30 && IsOneTlv(rest))
                {
                    message = "Several certificates were sent where one is expected.";
                    return CertificateReadError.MultipleCertificates;
                }

                message = $"{rest.Length} bytes follow the certificate's DER encoding.";
                return CertificateReadError.TrailingData;
            }

            Walk(der.Slice(contentOffset, contentLength), 0);
            return CertificateReadError.None;
        }
        catch (AsnContentException)
        {
            message = "The encoding is not strict DER (indefinite, non-minimal or overrunning length).";
            return CertificateReadError.InvalidDer;
        }
    }

    /// <summary>Splits concatenated DER certificates (each checked) without loading them.</summary>
    public static CertificateReadError Split(ReadOnlySpan<byte> der, List<Range> parts, int max, out string? message)
    {
        message = null;
        var offset = 0;
        while (offset < der.Length)
        {
            int consumed;
            try
            {
                AsnDecoder.ReadEncodedValue(der[offset..], AsnEncodingRules.DER, out _, out _, out consumed);
            }
            catch (AsnContentException)
            {
                message = "The encoding is not strict DER.";
                return CertificateReadError.InvalidDer;
            }

            if (parts.Count == max)
            {
                message = $"More than {max} certificates.";
                return CertificateReadError.TooLarge;
            }

            parts.Add(new Range(offset, offset + consumed));
            offset += consumed;
        }

        return CertificateReadError.None;
    }

    private static bool IsOneTlv(ReadOnlySpan<byte> data)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(data, AsnEncodingRules.BER, out _, out _, out _);
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static bool LooksLikeContainer(ReadOnlySpan<byte> der)
    {
        // ContentInfo (PKCS#7) starts with an OID and PFX (PKCS#12) with its version INTEGER, where a
        // certificate starts with the tbsCertificate SEQUENCE. Read leniently so a BER container is named too.
        int offset;
        var first = der[1];
        if (first <= 0x80)
        {
            offset = 2;
        }
        else
        {
            offset = 2 + (first & 0x7F);
        }

        var inner = der[Math.Min(offset, der.Length)..];
        return inner.StartsWith(Pkcs7ContentTypePrefix) || inner.StartsWith(PfxVersion3);
    }

    private static void Walk(ReadOnlySpan<byte> content, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new AsnContentException("Nesting too deep.");
        }

        while (!content.IsEmpty)
        {
            var tag = Asn1Tag.Decode(content, out _);
            AsnDecoder.ReadEncodedValue(content, AsnEncodingRules.DER, out var offset, out var length, out var consumed);
            if (tag.IsConstructed)
            {
                Walk(content.Slice(offset, length), depth + 1);
            }

            content = content[consumed..];
        }
    }
}
