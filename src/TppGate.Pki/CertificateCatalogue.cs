using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;
using TppGate.Core.Eidas;

namespace TppGate.Pki;

/// <summary>
/// Named eIDAS/PSD2 certificates for tests and the development PKI: a QTSP root and issuing CAs, clean QWACs for
/// each role set, a QSealC, validity and EKU failures, an untrusted root, attacker intermediates and every
/// qcStatements/organizationIdentifier deviation. Content is deterministic (names, dates, serials, extensions);
/// keys are fresh per process. Certificates are made on first use and cached.
/// </summary>
/// <remarks>
/// The catalogue owns its certificates: callers must not dispose them. Use <see cref="Shared"/> in tests so a
/// process builds each certificate once.
/// </remarks>
public sealed class CertificateCatalogue
{
    /// <summary>The reference instant of <see cref="Shared"/>: every clean certificate is valid at it and for ten years after.</summary>
    public static readonly DateTimeOffset DefaultReferenceTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<CertificateCatalogue> SharedInstance = new(() => new CertificateCatalogue(DefaultReferenceTime));

    private readonly ConcurrentDictionary<CatalogueCertificate, Lazy<X509Certificate2>> _certificates = new();
    private readonly Lazy<QtspAuthority> _root;
    private readonly Lazy<QtspAuthority> _issuingCa;
    private readonly Lazy<QtspAuthority> _rsaIssuingCa;
    private readonly Lazy<QtspAuthority> _untrustedRoot;
    private readonly Lazy<QtspAuthority> _untrustedIssuingCa;

    /// <summary>Creates a catalogue whose clean certificates are valid from 30 days before <paramref name="referenceTime"/> for ten years.</summary>
    public CertificateCatalogue(DateTimeOffset referenceTime)
    {
        ReferenceTime = referenceTime;
        var caFrom = referenceTime.AddYears(-1);
        var caTo = referenceTime.AddYears(60);
        _root = new(() => QtspAuthority.CreateRoot("TppGate Test QTSP Root CA", caFrom, caTo, organization: "TppGate Test QTSP"));
        _issuingCa = new(() => _root.Value.CreateIssuingCa("TppGate Test QTSP Issuing CA QWAC", pathLength: 0, crlDistributionPoint: "http://127.0.0.1/crl/root.crl", publishesCrlAt: IssuingCaCrlUrl));
        _rsaIssuingCa = new(() => _root.Value.CreateIssuingCa("TppGate Test QTSP Issuing CA RSA", pathLength: 0, key: KeyAlgorithm.Rsa2048, publishesCrlAt: RsaIssuingCaCrlUrl));
        _untrustedRoot = new(() => QtspAuthority.CreateRoot("Untrusted Look-alike QTSP Root CA", caFrom, caTo, organization: "TppGate Test QTSP"));
        _untrustedIssuingCa = new(() => _untrustedRoot.Value.CreateIssuingCa("TppGate Test QTSP Issuing CA QWAC", pathLength: 0));
    }

    /// <summary>
    /// The CRL distribution point of every end entity <see cref="IssuingCa"/> issues. The .test name never
    /// resolves: a host serves the catalogue's CRLs from a shared CRL store (<see cref="PublishCrls"/>), not the network.
    /// </summary>
    public const string IssuingCaCrlUrl = "http://crl.tppgate.test/qwac-issuing-ca.crl";

    /// <summary>The CRL distribution point of every end entity <see cref="RsaIssuingCa"/> issues.</summary>
    public const string RsaIssuingCaCrlUrl = "http://crl.tppgate.test/rsa-issuing-ca.crl";

    /// <summary>
    /// CRLs of both issuing CAs by distribution point URL, listing <paramref name="revoked"/> where each issued them,
    /// current from <paramref name="thisUpdate"/> for <paramref name="validity"/>.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> PublishCrls(DateTimeOffset thisUpdate, TimeSpan validity, params X509Certificate2[] revoked)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [IssuingCaCrlUrl] = IssuingCa.PublishCrl(revoked.Where(c => c.IssuerName.RawData.AsSpan().SequenceEqual(IssuingCa.Certificate.SubjectName.RawData)), thisUpdate, thisUpdate + validity),
            [RsaIssuingCaCrlUrl] = RsaIssuingCa.PublishCrl(revoked.Where(c => c.IssuerName.RawData.AsSpan().SequenceEqual(RsaIssuingCa.Certificate.SubjectName.RawData)), thisUpdate, thisUpdate + validity),
        };
    }

    /// <summary>A process-wide catalogue at <see cref="DefaultReferenceTime"/>.</summary>
    public static CertificateCatalogue Shared => SharedInstance.Value;

    /// <summary>The instant the catalogue's dates are relative to.</summary>
    public DateTimeOffset ReferenceTime { get; }

    /// <summary>The trusted QTSP root.</summary>
    public QtspAuthority Root => _root.Value;

    /// <summary>The issuing CA (ECDSA, pathLenConstraint 0) of the clean QWACs.</summary>
    public QtspAuthority IssuingCa => _issuingCa.Value;

    /// <summary>An RSA issuing CA under <see cref="Root"/>, for RSA and SHA-1 cases.</summary>
    public QtspAuthority RsaIssuingCa => _rsaIssuingCa.Value;

    /// <summary>A root nobody trusts, with the same names as the trusted one.</summary>
    public QtspAuthority UntrustedRoot => _untrustedRoot.Value;

    /// <summary>The issuing CA under <see cref="UntrustedRoot"/>.</summary>
    public QtspAuthority UntrustedIssuingCa => _untrustedIssuingCa.Value;

    /// <summary>A clean PSP_AI QWAC.</summary>
    public X509Certificate2 QwacAi => Get(CatalogueCertificate.QwacAi);

    /// <summary>A clean QWAC with PSP_AI and PSP_PI.</summary>
    public X509Certificate2 QwacAiPi => Get(CatalogueCertificate.QwacAiPi);

    /// <summary>The named certificate, with its private key.</summary>
    public X509Certificate2 this[CatalogueCertificate name] => Get(name);

    /// <summary>The named certificate, with its private key.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="name"/> is not a catalogue entry.</exception>
    public X509Certificate2 Get(CatalogueCertificate name)
        => _certificates.GetOrAdd(name, n => new Lazy<X509Certificate2>(() => Make(n))).Value;

    private X509Certificate2 Make(CatalogueCertificate name)
    {
        var issuer = IssuerOf(name);
        var issued = issuer.Issue(Profile(name));
        Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>>? edit = name switch
        {
            CatalogueCertificate.DuplicateExtension => extensions => [.. extensions, .. extensions.Where(e => CertificateEditor.OidOf(e) == Oids.CertificatePolicies)],
            CatalogueCertificate.BerBooleanTrue => extensions => extensions.Select(e => CertificateEditor.OidOf(e) == "2.5.29.15" ? CertificateEditor.WithBerCriticalFlag(e) : e),
            _ => null,
        };
        if (edit is null)
        {
            return issued;
        }

        using (issued)
        {
            return CertificateEditor.EditExtensions(issuer, issued, edit);
        }
    }

    /// <summary>The authority that issues <paramref name="name"/>.</summary>
    public QtspAuthority IssuerOf(CatalogueCertificate name) => name switch
    {
        CatalogueCertificate.FromUntrustedRoot => UntrustedIssuingCa,
        CatalogueCertificate.IssuedByLeaf => QtspAuthority.FromCertificate(Get(CatalogueCertificate.QwacPi), IssuingCa),
        CatalogueCertificate.IssuedByAttackerIntermediate => QtspAuthority.FromCertificate(Get(CatalogueCertificate.AttackerIntermediate), IssuingCa),
        CatalogueCertificate.WeakRsa1024Sha1 or CatalogueCertificate.QwacRsaRealistic => RsaIssuingCa,
        _ => IssuingCa,
    };

    /// <summary>The profile <paramref name="name"/> is issued from.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="name"/> is not a catalogue entry.</exception>
    public CertificateProfile Profile(CatalogueCertificate name)
    {
        var clean = CertificateProfile.Qwac(HostOf(name), Psd2Role.AccountInformation) with
        {
            NotBefore = ReferenceTime.AddDays(-30),
            NotAfter = ReferenceTime.AddYears(10),
        };
        return name switch
        {
            CatalogueCertificate.QwacAi => clean,
            CatalogueCertificate.QwacPi => clean with { Roles = Psd2RoleEntry.Of(Psd2Role.PaymentInitiation), OrganizationIdentifier = "PSDGB-FCA-200002" },
            CatalogueCertificate.QwacAiPi => clean with { Roles = Psd2RoleEntry.Of(Psd2Role.AccountInformation, Psd2Role.PaymentInitiation), OrganizationIdentifier = "PSDGB-FCA-300003" },
            CatalogueCertificate.QwacIc => clean with { Roles = Psd2RoleEntry.Of(Psd2Role.CardIssuing), OrganizationIdentifier = "PSDDE-BAFIN-400004", Country = "DE", NcaName = "Bundesanstalt fuer Finanzdienstleistungsaufsicht", NcaId = "DE-BAFIN" },
            CatalogueCertificate.QwacAs => clean with { Roles = Psd2RoleEntry.Of(Psd2Role.AccountServicing), OrganizationIdentifier = "PSDFR-ACPR-500005", Country = "FR", Organization = "Example Bank SA", NcaName = "Autorite de Controle Prudentiel et de Resolution", NcaId = "FR-ACPR" },
            CatalogueCertificate.QwacRsaRealistic => clean with
            {
                Key = KeyAlgorithm.Rsa2048,
                Roles = Psd2RoleEntry.Of(Psd2Role.AccountInformation, Psd2Role.PaymentInitiation),
                QcSscd = true,
                RetentionPeriodYears = 7,
                PdsLocations = [new("https://qtsp.example/pds_en.pdf", "en"), new("https://qtsp.example/pds_pt.pdf", "pt")],
                ExtraQcStatements = [QcSyntaxV2LegalPerson()],
                ExtendedKeyUsages = [Oids.ServerAuth, Oids.ClientAuth],
            },
            CatalogueCertificate.QSealC => clean with { QcTypes = [QcType.Eseal], DnsNames = [], ExtendedKeyUsages = [], KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, Policies = [Oids.PolicyQcpL] },
            CatalogueCertificate.Expired => clean with { NotBefore = ReferenceTime.AddYears(-2), NotAfter = ReferenceTime.AddDays(-30) },
            CatalogueCertificate.NotYetValid => clean with { NotBefore = new DateTimeOffset(2070, 1, 1, 0, 0, 0, TimeSpan.Zero), NotAfter = new DateTimeOffset(2072, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            CatalogueCertificate.ServerAuthOnly => clean with { ExtendedKeyUsages = [Oids.ServerAuth] },
            CatalogueCertificate.NoExtendedKeyUsage => clean with { ExtendedKeyUsages = [] },
            CatalogueCertificate.FromUntrustedRoot => clean,
            CatalogueCertificate.IssuedByLeaf => clean,
            CatalogueCertificate.AttackerIntermediate => clean with { IsCertificateAuthority = true, KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, DnsNames = [], ExtendedKeyUsages = [] },
            CatalogueCertificate.IssuedByAttackerIntermediate => clean,
            CatalogueCertificate.UnknownCriticalExtension => clean with { ExtraExtensions = [new X509Extension("1.3.6.1.4.1.55555.1.1", [0x05, 0x00], true)] },
            CatalogueCertificate.WithCrlDistributionPoint => clean with { CrlDistributionPoint = "http://127.0.0.1/crl/issuing.crl" },
            CatalogueCertificate.WeakRsa1024Sha1 => clean with { Key = KeyAlgorithm.Rsa1024, SignatureHash = HashAlgorithmName.SHA1 },
            CatalogueCertificate.NoQcStatements => clean with { IncludeQcStatements = false },
            CatalogueCertificate.NoPsd2Statement => clean with { IncludePsd2Statement = false },
            CatalogueCertificate.SingleQcStatementForm => clean with { QcStatementsForm = QcStatementsForm.SingleStatement },
            CatalogueCertificate.DuplicateQcStatements => clean with { DuplicateQcStatements = true },
            CatalogueCertificate.MalformedQcStatements => clean with { RawQcStatements = new byte[] { 0x30, 0x05, 0x06, 0x03, 0x2B, 0x06 } },
            CatalogueCertificate.MalformedPsd2Statement => clean with { RawPsd2StatementInfo = Utf8(" roles ") },
            CatalogueCertificate.EmptyRoles => clean with { Roles = [] },
            CatalogueCertificate.RoleOidUnspecified => clean with { Roles = [new(Oids.Psd2RoleArc + ".0", "Unknown")] },
            CatalogueCertificate.RoleOidOutOfRange => clean with { Roles = [Psd2RoleEntry.For(Psd2Role.AccountInformation), new(Oids.Psd2RoleArc + ".5", "PSP_XX")] },
            CatalogueCertificate.RoleNameMismatch => clean with { Roles = [new(Oids.Psd2RoleAi, "PSP_AS")] },
            CatalogueCertificate.NonStandardRoleNames => clean with { Roles = [new(Oids.Psd2RoleAi, "Account Information"), new(Oids.Psd2RolePi, "Payment Initiation")] },
            CatalogueCertificate.UnknownRoleName => clean with { Roles = [new(Oids.Psd2RoleAi, "PSP_AI_invalid")] },
            CatalogueCertificate.NcaIdNoHyphen => clean with { NcaId = "GBFCA" },
            CatalogueCertificate.NcaIdBadCountry => clean with { NcaId = "XY-FCA" },
            CatalogueCertificate.NcaIdBadAuthority => clean with { NcaId = "GB-Fca1x" },
            CatalogueCertificate.NcaNameTooLong => clean with { NcaName = new string('A', 257) },
            CatalogueCertificate.NcaNameWithNul => clean with { NcaName = "Financial Conduct\0Authority" },
            CatalogueCertificate.NcaNameNotLatin => clean with { NcaName = "Financial Conduct Authörity" },
            CatalogueCertificate.NoOrganizationIdentifier => clean with { OrganizationIdentifier = null },
            CatalogueCertificate.OrganizationIdentifierVat => clean with { OrganizationIdentifier = "VATGB-123456789" },
            CatalogueCertificate.OrganizationIdentifierNotPsd => clean with { OrganizationIdentifier = "PADFR-ACPR-30748", Country = "FR" },
            CatalogueCertificate.OrganizationIdentifierMalformed => clean with { OrganizationIdentifier = "XX:GR-18050", Country = "GR" },
            CatalogueCertificate.OrganizationIdentifierPsdMalformed => clean with { OrganizationIdentifier = "PSDGB-F-1" },
            CatalogueCertificate.EndEntityIsCa => clean with { IsCertificateAuthority = true, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign },
            CatalogueCertificate.DuplicateExtension or CatalogueCertificate.BerBooleanTrue => clean,
            CatalogueCertificate.NoQcCompliance => clean with { QcCompliance = false },
            CatalogueCertificate.NoQcTypeWeb => clean with { QcTypes = [QcType.Esign] },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    /// <summary>A host name derived from the entry's name, e.g. <c>qwac-ai.tpp.example</c>.</summary>
    public static string HostOf(CatalogueCertificate name)
    {
        var text = name.ToString();
        var chars = new System.Text.StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(text[i - 1]) || char.IsDigit(text[i - 1])))
            {
                chars.Append('-');
            }

            chars.Append(char.ToLowerInvariant(c));
        }

        return chars.Append(".tpp.example").ToString();
    }

    private static byte[] QcSyntaxV2LegalPerson()
    {
        // SemanticsInformation { semanticsIdentifier id-etsi-qcs-semanticsId-Legal } (ETSI EN 319 412-1 clause 5.1.4).
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier("0.4.0.194121.1.2");
        }

        return QcStatementsEncoder.Statement(Oids.QcSyntaxV2, w.Encode());
    }

    private static byte[] Utf8(string text)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(UniversalTagNumber.UTF8String, text);
        return w.Encode();
    }
}
