using System.Text.Json.Serialization;

namespace TppGate.Cli;

/// <summary>What <c>tppgate inspect --json</c> writes: one object per certificate read.</summary>
public sealed record InspectReport(
    string Subject,
    string Issuer,
    string SerialNumber,
    string NotBefore,
    string NotAfter,
    ThumbprintsReport Thumbprints,
    IReadOnlyList<string> ExtendedKeyUsage,
    OrganizationIdentifierReport? OrganizationIdentifier,
    QcStatementsReport? QcStatements,
    IReadOnlyList<FindingReport> Findings,
    string Format,
    int ChainCertificates,
    IReadOnlyList<string> ChainSubjects,
    IReadOnlyList<string> SubjectAlternativeNames,
    ChainReport? Chain);

/// <summary>The certificate's SHA-256 identities.</summary>
public sealed record ThumbprintsReport(string Sha256, string X5tS256, string SpkiSha256);

/// <summary>The subject organizationIdentifier, split.</summary>
public sealed record OrganizationIdentifierReport(string Value, string? Scheme, string? Country, string? Authority, string? AuthorizationNumber);

/// <summary>The qcStatements extension.</summary>
public sealed record QcStatementsReport(
    bool Compliance,
    IReadOnlyList<string> Types,
    bool Sscd,
    int? RetentionPeriodYears,
    IReadOnlyList<PdsLocationReport> PdsLocations,
    Psd2Report? Psd2);

/// <summary>A PKI disclosure statement location.</summary>
public sealed record PdsLocationReport(string Url, string Language);

/// <summary>The PSD2 statement.</summary>
public sealed record Psd2Report(IReadOnlyList<string> Roles, string? NcaName, string? NcaId);

/// <summary>A deviation from the standards.</summary>
public sealed record FindingReport(string Code, string Message);

/// <summary>The chain validation against the given anchors.</summary>
/// <param name="Trusted">True when the chain ends in one of the anchors and nothing failed.</param>
/// <param name="Reasons">ChainFailure names, e.g. Expired.</param>
/// <param name="Code">The Berlin Group code for the failure, null when trusted.</param>
/// <param name="ValidatedAt">The validation time.</param>
public sealed record ChainReport(bool Trusted, IReadOnlyList<string> Reasons, string? Code, string ValidatedAt);

/// <summary>What is written instead of a report when nothing could be read.</summary>
public sealed record ErrorReport(ErrorBody Error);

/// <summary>A stable upper-snake code and a message for people.</summary>
public sealed record ErrorBody(string Code, string Message);

/// <summary>Source-generated JSON for the reports: camelCase, nulls written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InspectReport))]
[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class InspectJsonContext : JsonSerializerContext;
