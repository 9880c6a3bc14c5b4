using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;

namespace TppGate.Pki;

/// <summary>
/// A certification authority that issues eIDAS/PSD2 certificates in code: a QTSP root, an issuing CA, or any
/// certificate with a private key used as an issuer (an attacker's intermediate).
/// </summary>
/// <remarks>The authority owns <see cref="Certificate"/>; certificates it issues belong to the caller.</remarks>
public sealed class QtspAuthority : IDisposable
{
    private QtspAuthority(X509Certificate2 certificate, QtspAuthority? parent, string? crlUrl = null)
    {
        Certificate = certificate;
        Parent = parent;
        CrlUrl = crlUrl;
    }

    /// <summary>
    /// Where this authority publishes its CRL: written as the CRL distribution point of every end-entity
    /// certificate it issues unless the profile names one or says <see cref="CertificateProfile.OmitCrlDistributionPoint"/>.
    /// </summary>
    public string? CrlUrl { get; }

    /// <summary>The authority's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority that issued this one; null for a root.</summary>
    public QtspAuthority? Parent { get; }

    /// <summary>This authority and its parents, this one first, the root last.</summary>
    public IReadOnlyList<X509Certificate2> ChainToRoot
    {
        get
        {
            var list = new List<X509Certificate2>();
            for (var a = this; a is not null; a = a.Parent)
            {
                list.Add(a.Certificate);
            }

            return list;
        }
    }

    /// <summary>Creates a self-signed root CA.</summary>
    /// <exception cref="ArgumentException"><paramref name="notAfter"/> is not after <paramref name="notBefore"/>.</exception>
    public static QtspAuthority CreateRoot(
        string commonName,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        KeyAlgorithm key = KeyAlgorithm.EcdsaP256,
        string organization = "Example QTSP",
        string country = "EU")
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        if (notAfter <= notBefore)
        {
            throw new ArgumentException("notAfter must be after notBefore.", nameof(notAfter));
        }

        var subject = CaName(commonName, organization, country);
        using var privateKey = KeyFactory.Create(key);
        var request = KeyFactory.Request(subject, privateKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(ski);
        var serial = Serials.Derive(subject.RawData, subject.RawData, notBefore, notAfter);
        var generator = KeyFactory.Generator(privateKey);
        using var unkeyed = request.Create(subject, generator, notBefore, notAfter, serial);
        return new QtspAuthority(KeyFactory.WithKey(unkeyed, privateKey), null);
    }

    /// <summary>Wraps any certificate with a private key as an issuer (used for attacker intermediates).</summary>
    /// <exception cref="ArgumentException"><paramref name="certificate"/> has no private key.</exception>
    public static QtspAuthority FromCertificate(X509Certificate2 certificate, QtspAuthority? parent = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The issuer needs its private key.", nameof(certificate));
        }

        return new QtspAuthority(certificate, parent);
    }

    /// <summary>Creates an issuing (intermediate) CA under this authority.</summary>
    /// <param name="commonName">The CA's commonName.</param>
    /// <param name="notBefore">Start of validity; null takes this authority's.</param>
    /// <param name="notAfter">End of validity; null takes this authority's.</param>
    /// <param name="pathLength">pathLenConstraint; null for none.</param>
    /// <param name="key">The CA's key.</param>
    /// <param name="crlDistributionPoint">A CRL URL to write into the CA's own certificate (its parent's CRL), or null.</param>
    /// <param name="publishesCrlAt">Where the new CA publishes its own CRL: the distribution point of what it issues.</param>
    public QtspAuthority CreateIssuingCa(
        string commonName,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        int? pathLength = 0,
        KeyAlgorithm key = KeyAlgorithm.EcdsaP256,
        string? crlDistributionPoint = null,
        string? publishesCrlAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var issuerSubject = Certificate.SubjectName;
        var profile = new CertificateProfile
        {
            CommonName = commonName,
            Organization = issuerSubject.EnumerateRelativeDistinguishedNames()
                .FirstOrDefault(r => r.GetSingleElementType().Value == "2.5.4.10")?.GetSingleElementValue() ?? "Example QTSP",
            Country = "EU",
            OrganizationIdentifier = null,
            IncludeQcStatements = false,
            ExtendedKeyUsages = [],
            Policies = [],
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
            IsCertificateAuthority = true,
            PathLength = pathLength,
            NotBefore = notBefore,
            NotAfter = notAfter,
            Key = key,
            CrlDistributionPoint = crlDistributionPoint,
            OmitCrlDistributionPoint = crlDistributionPoint is null,
        };
        return new QtspAuthority(Issue(profile), this, publishesCrlAt);
    }

    /// <summary>Issues a certificate as <paramref name="profile"/> describes, with its private key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is null.</exception>
    /// <exception cref="CryptographicException">The platform refuses the key or signature algorithm asked for.</exception>
    public X509Certificate2 Issue(CertificateProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var subject = SubjectName(profile);
        var notBefore = profile.NotBefore ?? Certificate.NotBefore.ToUniversalTime();
        var notAfter = profile.NotAfter ?? Certificate.NotAfter.ToUniversalTime();

        using var privateKey = KeyFactory.Create(profile.Key);
        var request = KeyFactory.Request(subject, privateKey, profile.SignatureHash);
        var extensions = request.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(profile.IsCertificateAuthority, profile.PathLength.HasValue, profile.PathLength ?? 0, profile.IsCertificateAuthority));
        if (profile.KeyUsage != X509KeyUsageFlags.None)
        {
            extensions.Add(new X509KeyUsageExtension(profile.KeyUsage, true));
        }

        if (profile.ExtendedKeyUsages.Count > 0)
        {
            var ekus = new OidCollection();
            foreach (var oid in profile.ExtendedKeyUsages)
            {
                ekus.Add(new Oid(oid));
            }

            extensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        }

        extensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        extensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        if (profile.DnsNames.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in profile.DnsNames)
            {
                san.AddDnsName(dns);
            }

            extensions.Add(san.Build());
        }

        if ((profile.CrlDistributionPoint ?? (profile.OmitCrlDistributionPoint ? null : CrlUrl)) is { } crl)
        {
            extensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl]));
        }

        if (profile.OcspUrl is { } ocsp)
        {
            extensions.Add(new X509AuthorityInformationAccessExtension([ocsp], null));
        }

        if (profile.Policies.Count > 0)
        {
            extensions.Add(new X509Extension(Oids.CertificatePolicies, Policies(profile.Policies), false));
        }

        if (QcStatementsEncoder.Encode(profile) is { } qc)
        {
            extensions.Add(new X509Extension(Oids.QcStatements, qc, false));
        }

        foreach (var extra in profile.ExtraExtensions)
        {
            extensions.Add(extra);
        }

        var serial = profile.SerialNumber?.ToArray() ?? Serials.Derive(subject.RawData, Certificate.SubjectName.RawData, notBefore, notAfter);
        using var issuerKey = KeyFactory.PrivateKeyOf(Certificate);
        var generator = KeyFactory.Generator(issuerKey);
        using var unkeyed = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
        return KeyFactory.WithKey(unkeyed, privateKey);
    }

    /// <summary>
    /// A CRL signed by this authority (RFC 5280 clause 5) listing <paramref name="revoked"/> (revoked an hour
    /// before <paramref name="thisUpdate"/>, key compromise), DER.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="revoked"/> is null.</exception>
    public byte[] PublishCrl(IEnumerable<X509Certificate2> revoked, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, long crlNumber = 1)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        var builder = new CertificateRevocationListBuilder();
        foreach (var c in revoked)
        {
            builder.AddEntry(c, thisUpdate.AddHours(-1), X509RevocationReason.KeyCompromise);
        }

        using var rsa = Certificate.GetRSAPublicKey();
        return builder.Build(Certificate, new System.Numerics.BigInteger(crlNumber), nextUpdate, HashAlgorithmName.SHA256, rsa is null ? null : RSASignaturePadding.Pkcs1, thisUpdate);
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private static X500DistinguishedName CaName(string commonName, string organization, string country)
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddCountryOrRegion(country);
        b.AddOrganizationName(organization);
        b.AddCommonName(commonName);
        return b.Build();
    }

    private static X500DistinguishedName SubjectName(CertificateProfile profile)
    {
        var b = new X500DistinguishedNameBuilder();
        if (profile.Country is { } c)
        {
            // AddCountryOrRegion insists on two letters; deviations may want anything.
            b.Add("2.5.4.6", c, UniversalTagNumber.PrintableString);
        }

        if (profile.Organization is { } o)
        {
            b.AddOrganizationName(o);
        }

        if (profile.OrganizationIdentifier is { } id)
        {
            b.Add(Oids.OrganizationIdentifier, id, UniversalTagNumber.UTF8String);
        }

        b.AddCommonName(profile.CommonName);
        return b.Build();
    }

    private static byte[] Policies(IReadOnlyList<string> policies)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var p in policies)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(p);
                }
            }
        }

        return w.Encode();
    }
}
