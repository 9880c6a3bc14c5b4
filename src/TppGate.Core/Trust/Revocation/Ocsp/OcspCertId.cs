using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>
/// An OCSP CertID (RFC 6960 clause 4.1.1) with SHA-1 hashes of the issuer's name and key, as the lightweight
/// profile (RFC 5019 clause 2.1.1) requires and pre-signed QTSP responders index by (decision 0017). The hashes
/// only name the issuer: what binds a response to it is the signature, checked against the issuer's own key.
/// </summary>
internal sealed class OcspCertId
{
    /// <summary>id-sha1.</summary>
    public const string Sha1Oid = "1.3.14.3.2.26";

    private OcspCertId(byte[] issuerNameHash, byte[] issuerKeyHash, byte[] serial)
    {
        IssuerNameHash = issuerNameHash;
        IssuerKeyHash = issuerKeyHash;
        Serial = serial;
    }

    /// <summary>SHA-1 of the DER of the certificate's issuer name.</summary>
    public byte[] IssuerNameHash { get; }

    /// <summary>SHA-1 of the issuer's subjectPublicKey BIT STRING value (without tag, length and unused-bits octet).</summary>
    public byte[] IssuerKeyHash { get; }

    /// <summary>The certificate's serialNumber INTEGER content, as it is encoded.</summary>
    public byte[] Serial { get; }

    /// <summary>The CertID of <paramref name="certificate"/>, issued by <paramref name="issuer"/>.</summary>
    public static OcspCertId For(X509Certificate2 certificate, X509Certificate2 issuer)
        => new(SHA1.HashData(certificate.IssuerName.RawData), KeyHashOf(issuer), SerialOf(certificate.RawDataMemory));

    /// <summary>SHA-1 of a certificate's subjectPublicKey bits: the issuerKeyHash, and a byKey ResponderID.</summary>
    public static byte[] KeyHashOf(X509Certificate2 certificate) => SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData);

    /// <summary>Whether the CertID read from a response is this one: same hash algorithm, hashes and serial.</summary>
    public bool Matches(string hashOid, ReadOnlySpan<byte> nameHash, ReadOnlySpan<byte> keyHash, ReadOnlySpan<byte> serial)
        => hashOid == Sha1Oid && nameHash.SequenceEqual(IssuerNameHash) && keyHash.SequenceEqual(IssuerKeyHash) && serial.SequenceEqual(Serial);

    /// <summary>
    /// An OCSPRequest (RFC 6960 clause 4.1.1) for this CertID alone: unsigned, without a nonce or other
    /// extensions (decision 0017), DER.
    /// </summary>
    public byte[] EncodeRequest()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence()) // OCSPRequest
        using (w.PushSequence()) // TBSRequest; version v1 is the DEFAULT, so DER leaves it out
        using (w.PushSequence()) // requestList
        using (w.PushSequence()) // Request
        {
            WriteCertId(w);
        }

        return w.Encode();
    }

    private void WriteCertId(AsnWriter w)
    {
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(Sha1Oid);
                w.WriteNull();
            }

            w.WriteOctetString(IssuerNameHash);
            w.WriteOctetString(IssuerKeyHash);
            w.WriteInteger(Serial);
        }
    }

    private static byte[] SerialOf(ReadOnlyMemory<byte> certificate)
    {
        var tbs = new AsnReader(certificate, AsnEncodingRules.BER).ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            tbs.ReadEncodedValue();
        }

        return tbs.ReadIntegerBytes().ToArray();
    }
}
