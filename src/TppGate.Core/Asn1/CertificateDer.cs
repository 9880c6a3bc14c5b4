using System.Formats.Asn1;

namespace TppGate.Core.Asn1;

/// <summary>
/// Reads fields straight from a DER certificate (RFC 5280 clause 4.1). Cheaper than
/// <c>X509Certificate2.Extensions</c>, which materialises every extension through the platform on first use.
/// </summary>
internal static class CertificateDer
{
    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>The content octets of an OBJECT IDENTIFIER, for comparing encoded OIDs without decoding them.</summary>
    public static byte[] OidContent(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        var encoded = writer.Encode();
        return encoded[2..];
    }

    /// <summary>
    /// Finds the value (extnValue octets) of the extension whose OID content is <paramref name="oidContent"/>,
    /// and the subject Name. False when the structure cannot be followed; then nothing is known.
    /// </summary>
    public static bool TryFindExtension(ReadOnlyMemory<byte> der, ReadOnlySpan<byte> oidContent, out ReadOnlyMemory<byte>? value, out ReadOnlyMemory<byte> subject)
    {
        value = null;
        subject = default;
        try
        {
            var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(VersionTag))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature
            tbs.ReadEncodedValue(); // issuer
            tbs.ReadEncodedValue(); // validity
            subject = tbs.ReadEncodedValue();
            tbs.ReadEncodedValue(); // subjectPublicKeyInfo
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(ExtensionsTag))
                {
                    tbs.ReadEncodedValue(); // issuerUniqueID, subjectUniqueID
                    continue;
                }

                var extensions = tbs.ReadSequence(ExtensionsTag).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    if (!ReadOidContent(extension).SequenceEqual(oidContent))
                    {
                        continue;
                    }

                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        extension.ReadBoolean(); // critical
                    }

                    value = extension.ReadOctetString();
                    return true;
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Reads an OBJECT IDENTIFIER and returns its content octets.</summary>
    /// <exception cref="AsnContentException">The next value is not an OBJECT IDENTIFIER.</exception>
    public static ReadOnlySpan<byte> ReadOidContent(AsnReader reader)
    {
        if (!reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            throw new AsnContentException("Expected an OBJECT IDENTIFIER.");
        }

        var encoded = reader.ReadEncodedValue().Span;
        AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.DER, out var offset, out var length, out _);
        return encoded.Slice(offset, length);
    }
}
