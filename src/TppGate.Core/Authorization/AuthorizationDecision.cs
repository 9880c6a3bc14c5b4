namespace TppGate.Core.Authorization;

/// <summary>
/// The answer to one authorization request. The default value is a deny: only <see cref="Allow"/> makes an allow.
/// </summary>
public sealed record AuthorizationDecision
{
    private AuthorizationDecision()
    {
    }

    /// <summary>True only for an allow.</summary>
    public bool IsAllowed { get; private init; }

    /// <summary>Why it was denied; null for an allow.</summary>
    public DenyCode? Code { get; private init; }

    /// <summary>For the log only: what exactly failed. Never sent to the caller.</summary>
    public string? Detail { get; private init; }

    /// <summary>The client the certificate is bound to (on allow; on deny when known).</summary>
    public string? ClientId { get; private init; }

    /// <summary>The certificate's x5t#S256 (when it was read).</summary>
    public string? Thumbprint { get; private init; }

    /// <summary>The certificate's organizationIdentifier.</summary>
    public string? OrganizationId { get; private init; }

    /// <summary>Canonical PSD2 roles of the certificate.</summary>
    public IReadOnlyList<string> Roles { get; private init; } = [];

    /// <summary>The NCA id of the PSD2 statement.</summary>
    public string? NcaId { get; private init; }

    /// <summary>An allow for <paramref name="clientId"/> with the certificate's identity.</summary>
    public static AuthorizationDecision Allow(string clientId, ValidatedCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new()
        {
            IsAllowed = true,
            ClientId = clientId,
            Thumbprint = certificate.Thumbprints.X5tS256,
            OrganizationId = certificate.OrganizationId,
            Roles = certificate.Roles,
            NcaId = certificate.NcaId,
        };
    }

    /// <summary>A deny with a code and a log-only detail.</summary>
    public static AuthorizationDecision Deny(DenyCode code, string detail, ValidatedCertificate? certificate = null, string? clientId = null)
        => new()
        {
            Code = code,
            Detail = detail,
            ClientId = clientId,
            Thumbprint = certificate?.Thumbprints.X5tS256,
            OrganizationId = certificate?.OrganizationId,
        };
}
