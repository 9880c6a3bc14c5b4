namespace TppGate.Core.Asn1;

/// <summary>Object identifiers the certificate code reads or writes, each with the clause that defines it.</summary>
public static class Oids
{
    /// <summary>qcStatements certificate extension (RFC 3739 clause 3.2.6; ETSI EN 319 412-5 clause 4).</summary>
    public const string QcStatements = "1.3.6.1.5.5.7.1.3";

    /// <summary>id-etsi-qcs-QcCompliance: an EU qualified certificate (ETSI EN 319 412-5 clause 4.2.1).</summary>
    public const string QcCompliance = "0.4.0.1862.1.1";

    /// <summary>id-etsi-qcs-QcRetentionPeriod: INTEGER years (ETSI EN 319 412-5 clause 4.3.3).</summary>
    public const string QcRetentionPeriod = "0.4.0.1862.1.3";

    /// <summary>id-etsi-qcs-QcSSCD: the key is in a qualified signature/seal creation device (ETSI EN 319 412-5 clause 4.2.2).</summary>
    public const string QcSscd = "0.4.0.1862.1.4";

    /// <summary>id-etsi-qcs-QcPDS: PKI disclosure statement locations (ETSI EN 319 412-5 clause 4.3.4).</summary>
    public const string QcPds = "0.4.0.1862.1.5";

    /// <summary>id-etsi-qcs-QcType: SEQUENCE OF OID (ETSI EN 319 412-5 clause 4.2.3).</summary>
    public const string QcType = "0.4.0.1862.1.6";

    /// <summary>id-etsi-qct-esign: certificate for electronic signatures (ETSI EN 319 412-5 clause 4.2.3).</summary>
    public const string QcTypeEsign = "0.4.0.1862.1.6.1";

    /// <summary>id-etsi-qct-eseal: certificate for electronic seals (ETSI EN 319 412-5 clause 4.2.3).</summary>
    public const string QcTypeEseal = "0.4.0.1862.1.6.2";

    /// <summary>id-etsi-qct-web: certificate for website authentication (ETSI EN 319 412-5 clause 4.2.3).</summary>
    public const string QcTypeWeb = "0.4.0.1862.1.6.3";

    /// <summary>id-qcs-pkixQCSyntax-v2: semantics identifier statement (RFC 3739 clause 3.2.6.1; ETSI EN 319 412-1 clause 5.1).</summary>
    public const string QcSyntaxV2 = "1.3.6.1.5.5.7.11.2";

    /// <summary>id-etsi-psd2-qcStatement: PSD2QcType (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2Statement = "0.4.0.19495.2";

    /// <summary>The arc of PSD2 role OIDs, id-psd2-role (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RoleArc = "0.4.0.19495.1";

    /// <summary>id-psd2-role-psp-as: account servicing (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RoleAs = "0.4.0.19495.1.1";

    /// <summary>id-psd2-role-psp-pi: payment initiation (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RolePi = "0.4.0.19495.1.2";

    /// <summary>id-psd2-role-psp-ai: account information (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RoleAi = "0.4.0.19495.1.3";

    /// <summary>id-psd2-role-psp-ic: issuing of card-based payment instruments (ETSI TS 119 495 clause 5.1).</summary>
    public const string Psd2RoleIc = "0.4.0.19495.1.4";

    /// <summary>organizationIdentifier attribute (X.520; ETSI EN 319 412-1 clause 5.1.4).</summary>
    public const string OrganizationIdentifier = "2.5.4.97";

    /// <summary>id-kp-serverAuth (RFC 5280 clause 4.2.1.12).</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth (RFC 5280 clause 4.2.1.12).</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>certificatePolicies extension (RFC 5280 clause 4.2.1.4).</summary>
    public const string CertificatePolicies = "2.5.29.32";

    /// <summary>QCP-w: EU qualified website authentication certificate policy (ETSI EN 319 411-2 clause 5.3).</summary>
    public const string PolicyQcpW = "0.4.0.194112.1.4";

    /// <summary>QCP-l: EU qualified certificate for legal persons (seals) policy (ETSI EN 319 411-2 clause 5.3).</summary>
    public const string PolicyQcpL = "0.4.0.194112.1.1";

    /// <summary>PKCS#7 data content type (RFC 5652 clause 4).</summary>
    public const string Pkcs7Data = "1.2.840.113549.1.7.1";

    /// <summary>PKCS#7 signed-data content type (RFC 5652 clause 5.1), the usual .p7b/.p7c certificate bag.</summary>
    public const string Pkcs7SignedData = "1.2.840.113549.1.7.2";

    /// <summary>Precertificate poison extension (RFC 6962 clause 3.1).</summary>
    public const string CtPoison = "1.3.6.1.4.1.11129.2.4.3";

    /// <summary>The OID of <paramref name="role"/> (ETSI TS 119 495 clause 5.1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="role"/> is not a defined role.</exception>
    public static string Psd2RoleOid(Eidas.Psd2Role role) => role switch
    {
        Eidas.Psd2Role.AccountServicing => Psd2RoleAs,
        Eidas.Psd2Role.PaymentInitiation => Psd2RolePi,
        Eidas.Psd2Role.AccountInformation => Psd2RoleAi,
        Eidas.Psd2Role.CardIssuing => Psd2RoleIc,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };
}
