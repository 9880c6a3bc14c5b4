namespace TppGate.Core.Eidas;

/// <summary>A deviation from ETSI EN 319 412 / TS 119 495 found while reading a certificate.</summary>
/// <param name="Code">A stable code from <see cref="FindingCodes"/>.</param>
/// <param name="Message">A sentence for people, naming the clause.</param>
public sealed record Finding(string Code, string Message);

/// <summary>The subject's organizationIdentifier (OID 2.5.4.97), split per ETSI EN 319 412-1 clause 5.1.4.</summary>
/// <param name="Value">The attribute as written.</param>
/// <param name="Scheme">The 3-letter scheme (PSD, VAT, NTR, ...), or null when the value has no recognisable scheme.</param>
/// <param name="Country">The 2-letter country after the scheme, when present.</param>
/// <param name="Authority">For PSD: the NCA identifier (2-8 capitals), e.g. FCA.</param>
/// <param name="AuthorizationNumber">For PSD: the authorisation number the NCA gave; for other schemes, the identifier.</param>
public sealed record OrganizationIdentifier(string Value, string? Scheme, string? Country, string? Authority, string? AuthorizationNumber);

/// <summary>The PSD2 QCStatement (ETSI TS 119 495 clause 5.1, OID 0.4.0.19495.2).</summary>
/// <param name="Roles">Roles whose OID is one of the four standard roles, in certificate order, without duplicates; a role whose name is the standard name of a different role (GEN-5.2.2-5) is left out.</param>
/// <param name="NcaName">NCAName.</param>
/// <param name="NcaId">NCAId, e.g. GB-FCA.</param>
public sealed record Psd2Statement(IReadOnlyList<Psd2Role> Roles, string? NcaName, string? NcaId);

/// <summary>A PKI disclosure statement location (QcPDS).</summary>
public sealed record PdsLocation(string Url, string Language);

/// <summary>The qcStatements extension (RFC 3739, ETSI EN 319 412-5).</summary>
/// <param name="Compliance">QcCompliance (0.4.0.1862.1.1) present.</param>
/// <param name="Types">QcType values: "web", "eseal", "esign".</param>
/// <param name="Sscd">QcSSCD (0.4.0.1862.1.4) present.</param>
/// <param name="RetentionPeriodYears">QcRetentionPeriod in years, when present.</param>
/// <param name="PdsLocations">QcPDS locations.</param>
/// <param name="Psd2">The PSD2 statement, when present.</param>
public sealed record QcStatements(
    bool Compliance,
    IReadOnlyList<string> Types,
    bool Sscd,
    int? RetentionPeriodYears,
    IReadOnlyList<PdsLocation> PdsLocations,
    Psd2Statement? Psd2);

/// <summary>What a certificate says in eIDAS and PSD2 terms, and what is wrong with it.</summary>
/// <param name="OrganizationIdentifier">The subject organizationIdentifier, when present.</param>
/// <param name="QcStatements">The qcStatements extension, when present and readable.</param>
/// <param name="Findings">Deviations from the standards; empty for a clean certificate.</param>
public sealed record EidasProfile(OrganizationIdentifier? OrganizationIdentifier, QcStatements? QcStatements, IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the certificate carries a PSD2 statement with at least one standard role.</summary>
    public bool HasPsd2Roles => QcStatements?.Psd2 is { Roles.Count: > 0 };

    /// <summary>True when QcType says eseal and not web: a seal is not a TLS client certificate.</summary>
    public bool IsSealOnly => QcStatements is { } q && q.Types.Contains("eseal") && !q.Types.Contains("web");
}
