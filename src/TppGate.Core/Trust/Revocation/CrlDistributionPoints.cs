using System.Formats.Asn1;
using TppGate.Core.Asn1;

namespace TppGate.Core.Trust.Revocation;

/// <summary>The revocation sources a certificate names (RFC 5280 clause 4.2.1.13 and 4.2.2.1).</summary>
internal static class CrlDistributionPoints
{
    private static readonly byte[] CrlDistributionPointsOid = CertificateDer.OidContent("2.5.29.31");
    private static readonly byte[] AuthorityInfoAccessOid = CertificateDer.OidContent("1.3.6.1.5.5.7.1.1");
    private static readonly Asn1Tag FullNameTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag DistributionPointTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private const string OcspAccessMethod = "1.3.6.1.5.5.7.48.1";

    /// <summary>The http and https CRL URLs of the certificate's distribution points (LDAP and others are ignored).</summary>
    public static IReadOnlyList<Uri> Of(ReadOnlyMemory<byte> certificate)
    {
        var urls = new List<Uri>();
        if (!CertificateDer.TryFindExtension(certificate, CrlDistributionPointsOid, out var value, out _) || value is not { } cdp)
        {
            return urls;
        }

        try
        {
            var points = new AsnReader(cdp, AsnEncodingRules.DER).ReadSequence();
            while (points.HasData)
            {
                var point = points.ReadSequence();
                if (!point.HasData || !point.PeekTag().HasSameClassAndValue(DistributionPointTag))
                {
                    continue;
                }

                var name = point.ReadSequence(DistributionPointTag);
                if (!name.PeekTag().HasSameClassAndValue(FullNameTag))
                {
                    continue;
                }

                var fullName = name.ReadSequence(FullNameTag);
                while (fullName.HasData)
                {
                    if (fullName.PeekTag().HasSameClassAndValue(UriTag)
                        && Uri.TryCreate(fullName.ReadCharacterString(UniversalTagNumber.IA5String, UriTag), UriKind.Absolute, out var uri)
                        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                    {
                        urls.Add(uri);
                    }
                    else
                    {
                        fullName.ReadEncodedValue();
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            urls.Clear();
        }

        return urls;
    }

    /// <summary>Whether the certificate names an OCSP responder (authorityInfoAccess id-ad-ocsp).</summary>
    public static bool HasOcsp(ReadOnlyMemory<byte> certificate)
    {
        if (!CertificateDer.TryFindExtension(certificate, AuthorityInfoAccessOid, out var value, out _) || value is not { } aia)
        {
            return false;
        }

        try
        {
            var descriptions = new AsnReader(aia, AsnEncodingRules.DER).ReadSequence();
            while (descriptions.HasData)
            {
                var description = descriptions.ReadSequence();
                if (description.ReadObjectIdentifier() == OcspAccessMethod)
                {
                    return true;
                }
            }
        }
        catch (AsnContentException)
        {
            return false;
        }

        return false;
    }
}
