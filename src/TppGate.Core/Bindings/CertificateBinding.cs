using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;

namespace TppGate.Core.Bindings;

/// <summary>Whether a binding may be used.</summary>
public enum BindingStatus
{
    /// <summary>The certificate is bound to the client.</summary>
    Active = 0,

    /// <summary>The bank revoked the binding; the certificate can never be bound again.</summary>
    Revoked = 1,
}

/// <summary>
/// One certificate bound to one OAuth client_id. The certificate's SHA-256 is the identity: a certificate is
/// bound to at most one client; a client may have several certificates (rotation).
/// </summary>
public sealed record CertificateBinding
{
    /// <summary>The OAuth client_id, as registered (any characters; stores escape it).</summary>
    public required string ClientId { get; init; }

    /// <summary>SHA-256 of the DER certificate, lower-case hex: the key.</summary>
    public required string Sha256 { get; init; }

    /// <summary>RFC 8705 x5t#S256 of the certificate.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo, lower-case hex.</summary>
    public required string SpkiSha256 { get; init; }

    /// <summary>Subject distinguished name.</summary>
    public required string Subject { get; init; }

    /// <summary>Issuer distinguished name.</summary>
    public required string Issuer { get; init; }

    /// <summary>The organizationIdentifier, e.g. PSDGB-FCA-123456, when present.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>Canonical PSD2 role names from the certificate (PSP_AI, ...).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The NCA identifier from the PSD2 statement, e.g. GB-FCA.</summary>
    public string? NcaId { get; init; }

    /// <summary>The certificate's notBefore.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>The certificate's notAfter.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>From when the binding may be used (overlapping rotation); null means from registration.</summary>
    public DateTimeOffset? ActiveFrom { get; init; }

    /// <summary>Until when the binding may be used; null means until the certificate expires.</summary>
    public DateTimeOffset? ActiveUntil { get; init; }

    /// <summary>Active or revoked.</summary>
    public BindingStatus Status { get; init; }

    /// <summary>Who registered it.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When it was registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A free-text note from the registration.</summary>
    public string? Note { get; init; }

    /// <summary>Who revoked it.</summary>
    public string? RevokedBy { get; init; }

    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Why it was revoked.</summary>
    public string? RevocationReason { get; init; }

    /// <summary>
    /// How many writes the stored binding has seen: 1 after registration, and every later write (update,
    /// revocation) stores one more. Readers of the change feed use it to tell that an announced update has landed
    /// (decision 0014). 0 for a binding stored before versions existed; its next write stores 1.
    /// </summary>
    public long Version { get; init; }

    /// <summary>
    /// SHA-256 (hex) over the issuer Name's DER followed by the serial number's bytes: what identifies the
    /// certificate whatever its encoding. Two encodings of one signed certificate (an ECDSA signature with s
    /// replaced by n - s) share it while their SHA-256 differ; registration refuses a second certificate with
    /// it (decision 0011). Null for bindings described without a certificate.
    /// </summary>
    public string? IssuerSerialSha256 { get; init; }

    /// <summary>The <see cref="IssuerSerialSha256"/> of a certificate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    public static string IssuerSerialHash(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var issuer = certificate.IssuerName.RawData;
        var serial = certificate.SerialNumberBytes.Span;
        var buffer = new byte[issuer.Length + serial.Length];
        issuer.CopyTo(buffer, 0);
        serial.CopyTo(buffer.AsSpan(issuer.Length));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer));
    }

    /// <summary>
    /// An active binding of <paramref name="certificate"/> to <paramref name="clientId"/>, described from the
    /// certificate itself (thumbprints, names, validity) and its eIDAS content (orgId, roles, NCA).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    public static CertificateBinding For(X509Certificate2 certificate, string clientId, string createdBy, DateTimeOffset createdAt, EidasProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        profile ??= EidasReader.Read(certificate);
        var thumbprints = CertificateThumbprints.Of(certificate);
        return new CertificateBinding
        {
            ClientId = clientId,
            Sha256 = thumbprints.Sha256Hex,
            Thumbprint = thumbprints.X5tS256,
            SpkiSha256 = thumbprints.SpkiSha256Hex,
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            OrganizationId = profile.OrganizationIdentifier?.Value,
            Roles = profile.QcStatements?.Psd2?.Roles.Select(r => r.ToCanonicalName()).ToArray() ?? [],
            NcaId = profile.QcStatements?.Psd2?.NcaId,
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Status = BindingStatus.Active,
            CreatedBy = createdBy,
            CreatedAt = createdAt,
            IssuerSerialSha256 = IssuerSerialHash(certificate),
        };
    }

    /// <summary>True when <paramref name="at"/> lies inside the activation window and the status is active.</summary>
    public bool IsUsableAt(DateTimeOffset at)
        => Status == BindingStatus.Active
           && (ActiveFrom is null || at >= ActiveFrom)
           && (ActiveUntil is null || at < ActiveUntil);

    /// <summary>
    /// True when <paramref name="other"/> asks for the same settings a registration chooses: the activation
    /// window (to the millisecond, the precision storage keeps for certain) and the note. Who asked and when
    /// do not count, so a retried registration is the same request.
    /// </summary>
    public bool HasSameSettings(CertificateBinding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return SameInstant(ActiveFrom, other.ActiveFrom)
               && SameInstant(ActiveUntil, other.ActiveUntil)
               && string.Equals(Note ?? "", other.Note ?? "", StringComparison.Ordinal);
    }

    private static bool SameInstant(DateTimeOffset? a, DateTimeOffset? b)
        => a is null || b is null ? a is null && b is null : a.Value.ToUnixTimeMilliseconds() == b.Value.ToUnixTimeMilliseconds();
}
