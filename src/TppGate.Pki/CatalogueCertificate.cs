namespace TppGate.Pki;

/// <summary>The named certificates of <see cref="CertificateCatalogue"/>.</summary>
public enum CatalogueCertificate
{
    /// <summary>Clean QWAC, role PSP_AI.</summary>
    QwacAi,

    /// <summary>Clean QWAC, role PSP_PI.</summary>
    QwacPi,

    /// <summary>Clean QWAC, roles PSP_AI and PSP_PI.</summary>
    QwacAiPi,

    /// <summary>Clean QWAC, role PSP_IC.</summary>
    QwacIc,

    /// <summary>Clean QWAC, role PSP_AS (a bank).</summary>
    QwacAs,

    /// <summary>QWAC with RSA 2048 keys, roles PSP_AI and PSP_PI, two PDS, QcSSCD and pkixQCSyntax-v2 as real QWACs carry.</summary>
    QwacRsaRealistic,

    /// <summary>QSealC: QcType eseal only, PSP_AI.</summary>
    QSealC,

    /// <summary>QWAC whose validity ended before the reference time.</summary>
    Expired,

    /// <summary>QWAC valid only from 2070.</summary>
    NotYetValid,

    /// <summary>QWAC with EKU serverAuth only.</summary>
    ServerAuthOnly,

    /// <summary>QWAC with no EKU extension at all.</summary>
    NoExtendedKeyUsage,

    /// <summary>Clean-looking QWAC issued under <see cref="CertificateCatalogue.UntrustedRoot"/>.</summary>
    FromUntrustedRoot,

    /// <summary>QWAC issued by another QWAC used as a CA although it has cA=FALSE.</summary>
    IssuedByLeaf,

    /// <summary>An attacker's intermediate: cA=TRUE under the issuing CA, which has pathLenConstraint 0.</summary>
    AttackerIntermediate,

    /// <summary>QWAC issued by <see cref="AttackerIntermediate"/>.</summary>
    IssuedByAttackerIntermediate,

    /// <summary>QWAC with an unknown critical extension.</summary>
    UnknownCriticalExtension,

    /// <summary>QWAC with a CRL distribution point.</summary>
    WithCrlDistributionPoint,

    /// <summary>RSA 1024 key, signed with SHA-1 by an RSA issuer.</summary>
    WeakRsa1024Sha1,

    /// <summary>No qcStatements extension (a plain TLS client certificate with a PSD orgId).</summary>
    NoQcStatements,

    /// <summary>qcStatements without the PSD2 statement.</summary>
    NoPsd2Statement,

    /// <summary>qcStatements in the old single-QCStatement form.</summary>
    SingleQcStatementForm,

    /// <summary>Every statement written twice.</summary>
    DuplicateQcStatements,

    /// <summary>qcStatements whose value is not DER.</summary>
    MalformedQcStatements,

    /// <summary>PSD2 statementInfo that is not a PSD2QcType.</summary>
    MalformedPsd2Statement,

    /// <summary>RolesOfPSP empty.</summary>
    EmptyRoles,

    /// <summary>Role OID 0.4.0.19495.1.0 named "Unknown".</summary>
    RoleOidUnspecified,

    /// <summary>Role OID 0.4.0.19495.1.5 beside a valid PSP_AI.</summary>
    RoleOidOutOfRange,

    /// <summary>PSP_AS name written on the PSP_AI OID.</summary>
    RoleNameMismatch,

    /// <summary>Role names "Account Information", "Payment Initiation" on the right OIDs.</summary>
    NonStandardRoleNames,

    /// <summary>Unknown role name "PSP_AI_invalid" on the PSP_AI OID.</summary>
    UnknownRoleName,

    /// <summary>NCAId "GBFCA": no hyphen.</summary>
    NcaIdNoHyphen,

    /// <summary>NCAId "XY-FCA": XY is no ISO 3166 country.</summary>
    NcaIdBadCountry,

    /// <summary>NCAId "GB-Fca1x": authority part not 2-8 capitals.</summary>
    NcaIdBadAuthority,

    /// <summary>NCAName longer than 256 characters.</summary>
    NcaNameTooLong,

    /// <summary>NCAName containing NUL.</summary>
    NcaNameWithNul,

    /// <summary>NCAName with a non-Latin letter ('Ö').</summary>
    NcaNameNotLatin,

    /// <summary>No organizationIdentifier in the subject.</summary>
    NoOrganizationIdentifier,

    /// <summary>organizationIdentifier of the VAT scheme.</summary>
    OrganizationIdentifierVat,

    /// <summary>organizationIdentifier "PADFR-ACPR-30748": a scheme that is not PSD.</summary>
    OrganizationIdentifierNotPsd,

    /// <summary>organizationIdentifier "XX:GR-18050": no recognisable scheme.</summary>
    OrganizationIdentifierMalformed,

    /// <summary>organizationIdentifier "PSDGB-F-1": PSD scheme with a one-letter NCA.</summary>
    OrganizationIdentifierPsdMalformed,

    /// <summary>QWAC with basicConstraints cA=TRUE: a CA certificate used as an end entity (decision 0009).</summary>
    EndEntityIsCa,

    /// <summary>QWAC whose certificatePolicies extension appears twice (RFC 5280 clause 4.2), signed again by the issuing CA.</summary>
    DuplicateExtension,

    /// <summary>QWAC whose critical keyUsage flag is the BER BOOLEAN TRUE 0x01 instead of DER's 0xFF, signed again by the issuing CA.</summary>
    BerBooleanTrue,

    /// <summary>PSD2 QWAC without QcCompliance: not EU qualified.</summary>
    NoQcCompliance,

    /// <summary>PSD2 certificate whose QcType is esign only: not a website authentication certificate.</summary>
    NoQcTypeWeb,
}
