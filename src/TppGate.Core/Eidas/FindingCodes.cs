namespace TppGate.Core.Eidas;

/// <summary>Stable codes of <see cref="Finding"/>s. Codes never change meaning; new deviations get new codes.</summary>
public static class FindingCodes
{
    /// <summary>The qcStatements extension is not DER <c>SEQUENCE OF QCStatement</c> (RFC 3739 clause 3.2.6), or a statement in it cannot be read.</summary>
    public const string QcStatementsMalformed = "QC_STATEMENTS_MALFORMED";

    /// <summary>qcStatements holds one bare QCStatement instead of a SEQUENCE OF (RFC 3739 clause 3.2.6); read leniently.</summary>
    public const string QcStatementsSingleForm = "QC_STATEMENTS_SINGLE_FORM";

    /// <summary>A known statement appears twice (ETSI EN 319 412-5 clause 4); the first is used.</summary>
    public const string QcStatementDuplicate = "QC_STATEMENT_DUPLICATE";

    /// <summary>The PSD2 statementInfo is not a PSD2QcType (ETSI TS 119 495 clause 5.1); no roles are read.</summary>
    public const string Psd2StatementMalformed = "PSD2_STATEMENT_MALFORMED";

    /// <summary>RolesOfPSP is empty (ETSI TS 119 495 GEN-5.2.2-1).</summary>
    public const string Psd2RolesEmpty = "PSD2_ROLES_EMPTY";

    /// <summary>A role OID is not one of 0.4.0.19495.1.1-4 (ETSI TS 119 495 GEN-5.2-2); the role is not granted.</summary>
    public const string Psd2RoleOidUnknown = "PSD2_ROLE_OID_UNKNOWN";

    /// <summary>A role's name is the standard name of a different role than its OID (ETSI TS 119 495 GEN-5.2.2-5); the role is not granted.</summary>
    public const string Psd2RoleNameMismatch = "PSD2_ROLE_NAME_MISMATCH";

    /// <summary>A role's name is not the PSP_xx name TS 119 495 requires for its OID (GEN-5.2-2); the OID decides the role.</summary>
    public const string Psd2RoleNameNonstandard = "PSD2_ROLE_NAME_NONSTANDARD";

    /// <summary>The same role appears twice in RolesOfPSP (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RoleDuplicate = "PSD2_ROLE_DUPLICATE";

    /// <summary>NCAId is not ISO 3166-1 alpha-2 country, hyphen, 2-8 capital letters (ETSI TS 119 495 GEN-5.2.3-2).</summary>
    public const string Psd2NcaIdInvalid = "PSD2_NCA_ID_INVALID";

    /// <summary>NCAName is empty, over 256 characters, or not plain Latin text (ETSI TS 119 495 GEN-5.2.3-1).</summary>
    public const string Psd2NcaNameInvalid = "PSD2_NCA_NAME_INVALID";

    /// <summary>The certificate has a PSD2 statement but no organizationIdentifier (ETSI TS 119 495 clause 5.2.1).</summary>
    public const string OrgIdMissing = "ORGID_MISSING";

    /// <summary>organizationIdentifier has a scheme other than PSD (ETSI TS 119 495 GEN-5.2.1-3).</summary>
    public const string OrgIdNotPsd = "ORGID_NOT_PSD";

    /// <summary>organizationIdentifier does not follow ETSI EN 319 412-1 clause 5.1.4, or its PSD form breaks TS 119 495 GEN-5.2.1-3.</summary>
    public const string OrgIdMalformed = "ORGID_MALFORMED";

    /// <summary>Some value in the certificate is not in its DER form (RFC 5280 clause 4.1; X.690 clause 10-11), e.g. a BOOLEAN TRUE written as 01.</summary>
    public const string CertificateNotDer = "CERT_NOT_DER";

    /// <summary>An extension appears more than once (RFC 5280 clause 4.2).</summary>
    public const string ExtensionDuplicate = "CERT_EXTENSION_DUPLICATE";

    /// <summary>basicConstraints says cA=TRUE: a CA certificate, not an end-entity one (RFC 5280 clause 4.2.1.9; ETSI EN 319 412-4).</summary>
    public const string EndEntityIsCa = "CERT_END_ENTITY_IS_CA";

    /// <summary>The certificate has a PSD2 statement but no QcCompliance: it does not claim to be EU qualified (ETSI EN 319 412-5 clause 4.2.1; TS 119 495 clause 5.1).</summary>
    public const string QcComplianceMissing = "QC_COMPLIANCE_MISSING";

    /// <summary>The certificate has a PSD2 statement but no QcType web: it is not a website authentication certificate (ETSI EN 319 412-5 clause 4.2.3).</summary>
    public const string QcTypeWebMissing = "QC_TYPE_WEB_MISSING";
}
