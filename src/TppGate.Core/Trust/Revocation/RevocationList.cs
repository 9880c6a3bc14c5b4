using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TppGate.Core.Trust.Revocation;

/// <summary>
/// A CRL (RFC 5280 clause 5) whose signature was verified against its issuer: the revoked serial numbers as a
/// hash set, and its validity period. Only complete, direct CRLs are accepted: a delta CRL, an indirect CRL,
/// one limited to CA or attribute certificates or to some reasons, or any unknown critical extension is refused.
/// </summary>
public sealed class RevocationList
{
    private const string AuthorityKeyIdentifier = "2.5.29.35";
    private const string CrlNumber = "2.5.29.20";
    private const string IssuingDistributionPoint = "2.5.29.28";
    private const string ReasonCode = "2.5.29.21";
    private const string InvalidityDate = "2.5.29.24";

    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    private readonly HashSet<string> _revoked;

    private RevocationList(HashSet<string> revoked, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, byte[] issuerKey, byte[] encoded)
    {
        _revoked = revoked;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        IssuerKey = issuerKey;
        Encoded = encoded;
    }

    /// <summary>thisUpdate.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>nextUpdate, when the CRL names one.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>SHA-256 of the issuer's SubjectPublicKeyInfo: the key the signature was verified with.</summary>
    public byte[] IssuerKey { get; }

    /// <summary>The DER as fetched, for the shared store.</summary>
    public byte[] Encoded { get; }

    /// <summary>How many serial numbers are listed.</summary>
    public int Count => _revoked.Count;

    /// <summary>Whether the certificate with this serial (big-endian INTEGER content, as in the certificate) is listed.</summary>
    public bool IsRevoked(ReadOnlySpan<byte> serial) => _revoked.Contains(Convert.ToHexString(serial));

    /// <summary>SHA-256 of a certificate's SubjectPublicKeyInfo.</summary>
    public static byte[] KeyOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Parses <paramref name="data"/> (DER, or PEM "X509 CRL") and verifies it was signed by <paramref name="issuer"/>.
    /// Null, with <paramref name="problem"/> for the log, when it is malformed, signed by another key, or not a
    /// complete direct CRL.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static RevocationList? TryLoad(byte[] data, X509Certificate2 issuer, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(issuer);
        var der = Unarmor(data);
        try
        {
            return Load(der, issuer, out problem);
        }
        catch (AsnContentException)
        {
            problem = "the CRL is not DER (RFC 5280 clause 5.1)";
            return null;
        }
        catch (CryptographicException ex)
        {
            problem = $"the CRL's signature could not be checked: {ex.Message}";
            return null;
        }
    }

    /// <summary>
    /// The thisUpdate of <paramref name="data"/> (DER, or PEM "X509 CRL") read without verifying anything, or null
    /// when it does not parse. For stores that order CRLs (a newer one replaces an older one, never the reverse);
    /// never a source of trust: a CRL is used only after <see cref="TryLoad"/> verified it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static DateTimeOffset? ReadThisUpdate(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            var tbs = new AsnReader(Unarmor(data), AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }

            tbs.ReadSequence();
            tbs.ReadEncodedValue();
            return ReadTime(tbs);
        }
        catch (Exception ex) when (ex is AsnContentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> names <paramref name="issuer"/> as its issuer and carries a signature
    /// that verifies with the issuer's key: how the refresher pairs a CA of the anchor set with the CA that issued it.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            return false;
        }

        try
        {
            var outer = new AsnReader(certificate.RawDataMemory, AsnEncodingRules.DER).ReadSequence();
            var tbs = outer.ReadEncodedValue();
            var algorithm = outer.ReadSequence().ReadObjectIdentifier();
            var signature = outer.ReadBitString(out var unused);
            return unused == 0 && Verify(issuer, algorithm, tbs.Span, signature);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    private static RevocationList? Load(byte[] der, X509Certificate2 issuer, out string? problem)
    {
        problem = null;
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var list = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbsEncoded = list.ReadEncodedValue();
        var algorithm = list.ReadSequence();
        var signatureOid = algorithm.ReadObjectIdentifier();
        var signature = list.ReadBitString(out var unused);
        list.ThrowIfNotEmpty();
        if (unused != 0)
        {
            problem = "the CRL's signature has unused bits";
            return null;
        }

        var tbs = new AsnReader(tbsEncoded, AsnEncodingRules.DER).ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger(); // version v2
        }

        tbs.ReadSequence(); // signature, repeated inside
        var issuerName = tbs.ReadEncodedValue();
        if (!issuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
        {
            problem = "the CRL's issuer is not the certificate's issuer";
            return null;
        }

        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = null;
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            nextUpdate = ReadTime(tbs);
        }

        var revoked = new HashSet<string>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                var serial = entry.ReadIntegerBytes();
                ReadTime(entry);
                if (entry.HasData && UnknownCritical(entry.ReadSequence(), [ReasonCode, InvalidityDate]) is { } oid)
                {
                    problem = $"a CRL entry carries critical extension {oid} (an indirect CRL?), which is not supported";
                    return null;
                }

                revoked.Add(Convert.ToHexString(serial.Span));
            }
        }

        if (tbs.HasData)
        {
            var extensions = tbs.ReadSequence(ExtensionsTag).ReadSequence();
            if (CheckCrlExtensions(extensions) is { } refused)
            {
                problem = refused;
                return null;
            }
        }

        tbs.ThrowIfNotEmpty();
        if (!Verify(issuer, signatureOid, tbsEncoded.Span, signature))
        {
            problem = $"the CRL's signature ({signatureOid}) does not verify with the issuer's key";
            return null;
        }

        return new RevocationList(revoked, thisUpdate, nextUpdate, KeyOf(issuer), der);
    }

    private static string? CheckCrlExtensions(AsnReader extensions)
    {
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            var value = extension.ReadOctetString();
            if (oid == IssuingDistributionPoint)
            {
                // Only distributionPoint [0] and onlyContainsUserCerts [1] keep the CRL complete for end entities.
                var idp = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
                while (idp.HasData)
                {
                    var tag = idp.PeekTag();
                    if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue > 1)
                    {
                        return "the CRL's issuingDistributionPoint limits its scope (CA or attribute certificates, some reasons, or indirect), which is not supported";
                    }

                    idp.ReadEncodedValue();
                }
            }
            else if (critical && oid is not (AuthorityKeyIdentifier or CrlNumber))
            {
                return $"the CRL carries critical extension {oid} (a delta CRL?), which is not supported";
            }
        }

        return null;
    }

    private static string? UnknownCritical(AsnReader extensions, string[] known)
    {
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean() && !known.Contains(oid))
            {
                return oid;
            }
        }

        return null;
    }

    // Also verifies OCSP responses and delegated responder certificates (decision 0017).
    internal static bool Verify(X509Certificate2 issuer, string oid, ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> signature)
    {
        var (hash, ecdsa) = oid switch
        {
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, true),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, true),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, true),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, false),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, false),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, false),
            _ => (default, false),
        };
        if (hash == default)
        {
            return false;
        }

        if (ecdsa)
        {
            using var key = issuer.GetECDsaPublicKey();
            return key is not null && key.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        using var rsa = issuer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
    }

    private static DateTimeOffset ReadTime(AsnReader reader)
        => reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static byte[] Unarmor(byte[] data)
    {
        ReadOnlySpan<byte> begin = "-----BEGIN X509 CRL-----"u8;
        if (!data.AsSpan().TrimStart(" \t\r\n"u8).StartsWith(begin))
        {
            return data;
        }

        var text = Encoding.ASCII.GetString(data);
        return PemEncoding.TryFind(text, out var fields) && text[fields.Label].Equals("X509 CRL", StringComparison.Ordinal)
            ? Convert.FromBase64String(text[fields.Base64Data])
            : data;
    }
}
