using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;
using TppGate.Core.Eidas;

namespace TppGate.Pki;

/// <summary>The key a certificate is made with.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA on P-256: fast to generate, the default.</summary>
    EcdsaP256 = 0,

    /// <summary>RSA 2048, as most QTSPs issue.</summary>
    Rsa2048,

    /// <summary>RSA 1024: too weak, for deviation cases only.</summary>
    Rsa1024,
}

/// <summary>A QcType value (ETSI EN 319 412-5 clause 4.2.3).</summary>
public enum QcType
{
    /// <summary>id-etsi-qct-esign.</summary>
    Esign,

    /// <summary>id-etsi-qct-eseal: a seal (QSealC), not a TLS certificate.</summary>
    Eseal,

    /// <summary>id-etsi-qct-web: website authentication (QWAC).</summary>
    Web,
}

/// <summary>How the qcStatements extension value is shaped.</summary>
public enum QcStatementsForm
{
    /// <summary><c>SEQUENCE OF QCStatement</c> as RFC 3739 requires.</summary>
    SequenceOf = 0,

    /// <summary>One bare QCStatement (the PSD2 statement, else the first), as some old generators wrote.</summary>
    SingleStatement,
}

/// <summary>One entry of RolesOfPSP as written, so the OID and name can disagree on purpose.</summary>
/// <param name="Oid">roleOfPspOid.</param>
/// <param name="Name">roleOfPspName.</param>
public sealed record Psd2RoleEntry(string Oid, string Name)
{
    /// <summary>The canonical entry of <paramref name="role"/>: its OID and its PSP_xx name.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="role"/> is not a defined role.</exception>
    public static Psd2RoleEntry For(Psd2Role role) => new(Oids.Psd2RoleOid(role), role.ToCanonicalName());

    /// <summary>Canonical entries of <paramref name="roles"/>, in order.</summary>
    public static IReadOnlyList<Psd2RoleEntry> Of(params Psd2Role[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var list = new Psd2RoleEntry[roles.Length];
        for (var i = 0; i < roles.Length; i++)
        {
            list[i] = For(roles[i]);
        }

        return list;
    }
}

/// <summary>A PKI disclosure statement location to write in QcPDS.</summary>
/// <param name="Url">https URL of the PDS.</param>
/// <param name="Language">ISO 639-1 language code, two letters.</param>
public sealed record PdsEntry(string Url, string Language);

/// <summary>
/// What to put in an end-entity (or deliberately odd) certificate. Defaults describe a clean PSD2 QWAC for an
/// account information service; every deviation is one property away.
/// </summary>
public sealed record CertificateProfile
{
    /// <summary>Subject commonName. Also the single DNS name when <see cref="DnsNames"/> is empty and the CN looks like a host.</summary>
    public string CommonName { get; init; } = "tpp.example";

    /// <summary>Subject organizationName, or null to leave it out.</summary>
    public string? Organization { get; init; } = "Example TPP Ltd";

    /// <summary>Subject countryName, or null to leave it out.</summary>
    public string? Country { get; init; } = "GB";

    /// <summary>Subject organizationIdentifier (2.5.4.97), e.g. PSDGB-FCA-123456, or null to leave it out.</summary>
    public string? OrganizationIdentifier { get; init; } = "PSDGB-FCA-123456";

    /// <summary>Subject alternative DNS names; none when empty.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Write the qcStatements extension at all.</summary>
    public bool IncludeQcStatements { get; init; } = true;

    /// <summary>Shape of the qcStatements value.</summary>
    public QcStatementsForm QcStatementsForm { get; init; } = QcStatementsForm.SequenceOf;

    /// <summary>Write QcCompliance.</summary>
    public bool QcCompliance { get; init; } = true;

    /// <summary>QcType values; no QcType statement when empty.</summary>
    public IReadOnlyList<QcType> QcTypes { get; init; } = [QcType.Web];

    /// <summary>Write QcSSCD.</summary>
    public bool QcSscd { get; init; }

    /// <summary>QcRetentionPeriod in years, or null to leave it out.</summary>
    public int? RetentionPeriodYears { get; init; } = 15;

    /// <summary>QcPDS locations; no QcPDS statement when empty.</summary>
    public IReadOnlyList<PdsEntry> PdsLocations { get; init; } = [new("https://qtsp.example/pds_en.pdf", "en")];

    /// <summary>Write the PSD2 statement (0.4.0.19495.2).</summary>
    public bool IncludePsd2Statement { get; init; } = true;

    /// <summary>RolesOfPSP entries as written (may be empty, unknown or mismatched on purpose).</summary>
    public IReadOnlyList<Psd2RoleEntry> Roles { get; init; } = [Psd2RoleEntry.For(Psd2Role.AccountInformation)];

    /// <summary>NCAName.</summary>
    public string NcaName { get; init; } = "Financial Conduct Authority";

    /// <summary>NCAId.</summary>
    public string NcaId { get; init; } = "GB-FCA";

    /// <summary>Write every statement twice (duplicate statements deviation).</summary>
    public bool DuplicateQcStatements { get; init; }

    /// <summary>Complete DER QCStatement encodings appended to the statements (e.g. an unknown or malformed statement).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ExtraQcStatements { get; init; } = [];

    /// <summary>When set, the qcStatements extension value exactly as given, ignoring every other qc property.</summary>
    public ReadOnlyMemory<byte>? RawQcStatements { get; init; }

    /// <summary>When set, the PSD2 statementInfo exactly as given (DER), instead of one built from roles and NCA.</summary>
    public ReadOnlyMemory<byte>? RawPsd2StatementInfo { get; init; }

    /// <summary>Extended key usage OIDs; no EKU extension when empty.</summary>
    public IReadOnlyList<string> ExtendedKeyUsages { get; init; } = [Oids.ClientAuth];

    /// <summary>Key usage, written critical; <see cref="X509KeyUsageFlags.None"/> leaves the extension out.</summary>
    public X509KeyUsageFlags KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature;

    /// <summary>Certificate policy OIDs; no extension when empty.</summary>
    public IReadOnlyList<string> Policies { get; init; } = [Oids.PolicyQcpW];

    /// <summary>CRL distribution point URL; null takes the issuer's <see cref="QtspAuthority.CrlUrl"/>, if any.</summary>
    public string? CrlDistributionPoint { get; init; }

    /// <summary>Write no CRL distribution point, even when the issuer publishes a CRL (a QWAC without a revocation source).</summary>
    public bool OmitCrlDistributionPoint { get; init; }

    /// <summary>OCSP responder URL, written as authorityInfoAccess id-ad-ocsp; none when null.</summary>
    public string? OcspUrl { get; init; }

    /// <summary>Start of validity; null takes the issuer's.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>End of validity; null takes the issuer's.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Write basicConstraints cA=TRUE (an intermediate, or an attacker's one).</summary>
    public bool IsCertificateAuthority { get; init; }

    /// <summary>pathLenConstraint when <see cref="IsCertificateAuthority"/>; null for none.</summary>
    public int? PathLength { get; init; }

    /// <summary>The subject's key.</summary>
    public KeyAlgorithm Key { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Hash of the issuer's signature; SHA-1 is allowed for deviation cases.</summary>
    public HashAlgorithmName SignatureHash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>Further extensions written as given, e.g. an unknown critical extension.</summary>
    public IReadOnlyList<X509Extension> ExtraExtensions { get; init; } = [];

    /// <summary>Serial number (big-endian, positive); null derives one from the content so it is deterministic.</summary>
    public ReadOnlyMemory<byte>? SerialNumber { get; init; }

    /// <summary>A clean QWAC profile with the given roles.</summary>
    public static CertificateProfile Qwac(string commonName, params Psd2Role[] roles)
        => new() { CommonName = commonName, DnsNames = [commonName], Roles = Psd2RoleEntry.Of(roles) };
}
