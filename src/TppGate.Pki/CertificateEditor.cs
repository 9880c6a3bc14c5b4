using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Pki;

/// <summary>
/// Edits the extensions of an issued certificate and signs it again with the same issuer, for deviations
/// the BCL's <see cref="CertificateRequest"/> refuses to write: a duplicated extension, or an extension
/// whose encoding is BER but not DER. The result chains exactly like the original.
/// </summary>
public static class CertificateEditor
{
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>
    /// Returns <paramref name="original"/> with its extensions replaced by what <paramref name="edit"/> makes of
    /// them (each one a complete encoded Extension, written as given), signed again by <paramref name="issuer"/>,
    /// with the original's private key.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="CryptographicException">The issuer's key is neither ECDSA nor RSA.</exception>
    public static X509Certificate2 EditExtensions(QtspAuthority issuer, X509Certificate2 original, Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> edit)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(edit);
        var certificate = new AsnReader(original.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        var signatureAlgorithm = certificate.ReadEncodedValue().ToArray();

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(ExtensionsTag))
                {
                    w.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }

                var extensions = tbs.ReadSequence(ExtensionsTag).ReadSequence();
                var list = new List<byte[]>();
                while (extensions.HasData)
                {
                    list.Add(extensions.ReadEncodedValue().ToArray());
                }

                using (w.PushSequence(ExtensionsTag))
                using (w.PushSequence())
                {
                    foreach (var e in edit(list))
                    {
                        w.WriteEncodedValue(e);
                    }
                }
            }
        }

        var newTbs = w.Encode();
        var signature = Sign(issuer.Certificate, newTbs, original.SignatureAlgorithm.Value);
        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            outer.WriteEncodedValue(newTbs);
            outer.WriteEncodedValue(signatureAlgorithm);
            outer.WriteBitString(signature);
        }

        using var unkeyed = X509CertificateLoader.LoadCertificate(outer.Encode());
        using var key = KeyFactory.PrivateKeyOf(original);
        return KeyFactory.WithKey(unkeyed, key);
    }

    /// <summary>An Extension encoding with the critical flag written as the BER (not DER) BOOLEAN TRUE 0x01.</summary>
    /// <exception cref="ArgumentException"><paramref name="extension"/> is not marked critical.</exception>
    public static byte[] WithBerCriticalFlag(byte[] extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        var reader = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
        var oid = reader.ReadObjectIdentifier();
        if (!reader.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) || !reader.ReadBoolean())
        {
            throw new ArgumentException("The extension is not critical.", nameof(extension));
        }

        var value = reader.ReadOctetString();
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(oid);
            w.WriteEncodedValue([0x01, 0x01, 0x01]);
            w.WriteOctetString(value);
        }

        return w.Encode();
    }

    /// <summary>The OID of an encoded Extension.</summary>
    public static string OidOf(byte[] extension)
        => new AsnReader(extension, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier();

    private static byte[] Sign(X509Certificate2 issuer, byte[] tbs, string? algorithm)
    {
        var hash = algorithm switch
        {
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        using var key = KeyFactory.PrivateKeyOf(issuer);
        return key switch
        {
            ECDsa ec => ec.SignData(tbs, hash, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignData(tbs, hash, RSASignaturePadding.Pkcs1),
            _ => throw new CryptographicException("Unsupported issuer key."),
        };
    }
}
