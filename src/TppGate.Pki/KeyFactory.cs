using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Pki;

/// <summary>Keys, signature generators and certificate requests for either key family.</summary>
internal static class KeyFactory
{
    public static AsymmetricAlgorithm Create(KeyAlgorithm key) => key switch
    {
        KeyAlgorithm.Rsa2048 => RSA.Create(2048),
        KeyAlgorithm.Rsa1024 => RSA.Create(1024),
        _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
    };

    public static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key, HashAlgorithmName hash) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, hash, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, hash),
        _ => throw new ArgumentException("Unsupported key type.", nameof(key)),
    };

    public static X509SignatureGenerator Generator(AsymmetricAlgorithm key) => new Sha1CapableGenerator(key switch
    {
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        _ => throw new ArgumentException("Unsupported key type.", nameof(key)),
    }, key);

    /// <summary>
    /// The BCL generators refuse SHA-1; deviation certificates need it, so this one writes sha1WithRSAEncryption or
    /// ecdsa-with-SHA1 itself and leaves every other hash to the BCL.
    /// </summary>
    private sealed class Sha1CapableGenerator(X509SignatureGenerator inner, AsymmetricAlgorithm key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            if (hashAlgorithm != HashAlgorithmName.SHA1)
            {
                return inner.GetSignatureAlgorithmIdentifier(hashAlgorithm);
            }

            var w = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                if (key is RSA)
                {
                    w.WriteObjectIdentifier("1.2.840.113549.1.1.5");
                    w.WriteNull();
                }
                else
                {
                    w.WriteObjectIdentifier("1.2.840.10045.4.1");
                }
            }

            return w.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => hashAlgorithm != HashAlgorithmName.SHA1
            ? inner.SignData(data, hashAlgorithm)
            : key switch
            {
                RSA rsa => rsa.SignData(data, hashAlgorithm, RSASignaturePadding.Pkcs1),
                ECDsa ec => ec.SignData(data, hashAlgorithm, DSASignatureFormat.Rfc3279DerSequence),
                _ => throw new CryptographicException("Unsupported key type."),
            };

        protected override PublicKey BuildPublicKey() => inner.PublicKey;
    }

    public static AsymmetricAlgorithm PrivateKeyOf(X509Certificate2 certificate)
        => (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The issuer has no ECDSA or RSA private key.", nameof(certificate));

    public static X509Certificate2 WithKey(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => certificate.CopyWithPrivateKey(rsa),
        ECDsa ec => certificate.CopyWithPrivateKey(ec),
        _ => throw new ArgumentException("Unsupported key type.", nameof(key)),
    };
}

/// <summary>Serial numbers derived from content, so a rebuilt catalogue writes the same serials.</summary>
internal static class Serials
{
    public static byte[] Derive(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(subject);
        hash.AppendData(issuer);
        Span<byte> ticks = stackalloc byte[16];
        BitConverter.TryWriteBytes(ticks, notBefore.UtcTicks);
        BitConverter.TryWriteBytes(ticks[8..], notAfter.UtcTicks);
        hash.AppendData(ticks);
        var serial = hash.GetHashAndReset().AsSpan(0, 16).ToArray();

        // Positive and without a leading zero octet: RFC 5280 clause 4.1.2.2.
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
