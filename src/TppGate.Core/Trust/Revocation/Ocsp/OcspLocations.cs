using System.Formats.Asn1;
using TppGate.Core.Asn1;

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>The OCSP responders a certificate names: authorityInfoAccess id-ad-ocsp (RFC 5280 clause 4.2.2.1).</summary>
internal static class OcspLocations
{
    private const string OcspAccessMethod = "1.3.6.1.5.5.7.48.1";
    private static readonly byte[] AuthorityInfoAccessOid = CertificateDer.OidContent("1.3.6.1.5.5.7.1.1");
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The http and https OCSP URLs, in the certificate's order; none when the extension is absent or malformed.</summary>
    public static IReadOnlyList<Uri> Of(ReadOnlyMemory<byte> certificate)
    {
        var urls = new List<Uri>();
        if (!CertificateDer.TryFindExtension(certificate, AuthorityInfoAccessOid, out var value, out _) || value is not { } aia)
        {
            return urls;
        }

        try
        {
            var descriptions = new AsnReader(aia, AsnEncodingRules.DER).ReadSequence();
            while (descriptions.HasData)
            {
                var description = descriptions.ReadSequence();
                var method = description.ReadObjectIdentifier();
                if (method == OcspAccessMethod && description.PeekTag().HasSameClassAndValue(UriTag)
                    && Uri.TryCreate(description.ReadCharacterString(UniversalTagNumber.IA5String, UriTag), UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    urls.Add(uri);
                }
            }
        }
        catch (AsnContentException)
        {
            urls.Clear();
        }

        return urls;
    }
}
