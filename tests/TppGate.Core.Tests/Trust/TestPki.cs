using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Tests.Trust;

/// <summary>What a test certificate looks like; the defaults make a valid EC P-256 clientAuth leaf.</summary>
internal sealed record CertSpec
{
    public bool IsCa { get; init; }
    public int? PathLength { get; init; }
    public bool BasicConstraints { get; init; } = true;
    public DateTimeOffset NotBefore { get; init; } = TestPki.Now.AddDays(-30);
    public DateTimeOffset NotAfter { get; init; } = TestPki.Now.AddDays(365);
    public string[]? Eku { get; init; } = [TestPki.ClientAuth];
    public string? CrlUrl { get; init; }
    public bool UnknownCriticalExtension { get; init; }
    public int RsaKeySize { get; init; }
    public HashAlgorithmName Hash { get; init; } = HashAlgorithmName.SHA256;
    public bool KeepKey { get; init; }
    public string CurveOid { get; init; } = "1.2.840.10045.3.1.7";
}

/// <summary>Certificates made in code for chain tests. Every CA carries its private key.</summary>
internal static class TestPki
{
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static CertSpec Ca => new() { IsCa = true, Eku = null, NotBefore = Now.AddYears(-5), NotAfter = Now.AddYears(10) };

    public static X509Certificate2 CreateRoot(string name, CertSpec? spec = null)
    {
        spec ??= Ca;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NewRequest(name, key, spec);
        return request.CreateSelfSigned(spec.NotBefore, spec.NotAfter);
    }

    /// <summary>Issues a certificate; the result carries its private key when it is a CA.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, string name, CertSpec? spec = null)
    {
        spec ??= new CertSpec();
        using var ec = spec.RsaKeySize == 0 ? ECDsa.Create(ECCurve.CreateFromValue(spec.CurveOid)) : null;
        using var rsa = spec.RsaKeySize == 0 ? null : RSA.Create(spec.RsaKeySize);
        var request = ec is not null ? NewRequest(name, ec, spec) : NewRequest(name, rsa!, spec);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));

        using var issuerEc = issuer.GetECDsaPrivateKey();
        using var issuerRsa = issuerEc is null ? issuer.GetRSAPrivateKey() : null;
        var generator = (issuerEc, spec.Hash == HashAlgorithmName.SHA1) switch
        {
            (not null, true) => new Sha1EcdsaSignatureGenerator(issuerEc),
            (not null, false) => X509SignatureGenerator.CreateForECDsa(issuerEc),
            _ => X509SignatureGenerator.CreateForRSA(issuerRsa!, RSASignaturePadding.Pkcs1),
        };
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;

        // The generator overload skips the check that the child's validity nests in the issuer's: expiry tests need that.
        var certificate = request.Create(issuer.SubjectName, generator, spec.NotBefore, spec.NotAfter, serial);
        if (!spec.IsCa && !spec.KeepKey)
        {
            return certificate;
        }

        using (certificate)
        {
            return ec is not null ? certificate.CopyWithPrivateKey(ec) : certificate.CopyWithPrivateKey(rsa!);
        }
    }

    public static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private static CertificateRequest NewRequest(string name, ECDsa key, CertSpec spec)
        => AddExtensions(new CertificateRequest($"CN={name}, O=TppGate Tests, C=GB", key, spec.Hash), spec);

    private static CertificateRequest NewRequest(string name, RSA key, CertSpec spec)
        => AddExtensions(new CertificateRequest($"CN={name}, O=TppGate Tests, C=GB", key, spec.Hash, RSASignaturePadding.Pkcs1), spec);

    private static CertificateRequest AddExtensions(CertificateRequest request, CertSpec spec)
    {
        if (spec.BasicConstraints)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(spec.IsCa, spec.PathLength is not null, spec.PathLength ?? 0, true));
        }

        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            spec.IsCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature,
            true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (spec.Eku is { } eku)
        {
            var oids = new OidCollection();
            foreach (var oid in eku)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        if (spec.CrlUrl is { } url)
        {
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([url]));
        }

        if (spec.UnknownCriticalExtension)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteNull();
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.99999.1", writer.Encode(), true));
        }

        return request;
    }
}

/// <summary>ECDSA with SHA-1 (RFC 3279 ecdsa-with-SHA1), which the BCL's generator refuses to write: only weak-algorithm tests need it.</summary>
internal sealed class Sha1EcdsaSignatureGenerator(ECDsa key) : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.10045.4.1");
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
        => key.SignData(data, HashAlgorithmName.SHA1, DSASignatureFormat.Rfc3279DerSequence);

    protected override PublicKey BuildPublicKey() => new(key);
}
