using System.Text.Json;
using TppGate.Core.Bindings;

namespace TppGate.Http.Admin;

/// <summary>Body of <c>POST /api/bindings</c>.</summary>
public sealed record RegisterBindingRequest(string? ClientId, string? Certificate, DateTimeOffset? ActiveFrom, DateTimeOffset? ActiveUntil, string? Note);

/// <summary>Body of <c>POST /api/bindings/{clientId}/{thumbprint}/revoke</c>.</summary>
public sealed record RevokeBindingRequest(string? Reason);

/// <summary>
/// Body of <c>PATCH /api/bindings/{clientId}/{thumbprint}</c>. Each field is kept as JSON so that absent (no
/// change: <see cref="JsonValueKind.Undefined"/>) and null (clear) stay apart; the handler reads the values.
/// </summary>
public sealed record UpdateBindingRequest(JsonElement ActiveFrom, JsonElement ActiveUntil, JsonElement Note);

/// <summary>A binding as the admin API shows it.</summary>
public sealed record BindingView(
    string ClientId,
    string Thumbprint,
    string Sha256,
    string SpkiSha256,
    string Subject,
    string Issuer,
    string? OrganizationId,
    IReadOnlyList<string> Roles,
    string? NcaId,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? ActiveFrom,
    DateTimeOffset? ActiveUntil,
    string Status,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string? Note,
    string? RevokedBy,
    DateTimeOffset? RevokedAt,
    string? RevocationReason)
{
    /// <summary>The view of a stored binding.</summary>
    public static BindingView Of(CertificateBinding b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new(b.ClientId, b.Thumbprint, b.Sha256, b.SpkiSha256, b.Subject, b.Issuer, b.OrganizationId, b.Roles, b.NcaId,
            b.NotBefore, b.NotAfter, b.ActiveFrom, b.ActiveUntil, b.Status == BindingStatus.Active ? "active" : "revoked",
            b.CreatedBy, b.CreatedAt, b.Note, b.RevokedBy, b.RevokedAt, b.RevocationReason);
    }
}

/// <summary>A list of bindings.</summary>
public sealed record BindingListView(IReadOnlyList<BindingView> Bindings);

/// <summary>One audit record as the admin API shows it.</summary>
public sealed record AuditView(string ClientId, string Thumbprint, string Action, string Actor, DateTimeOffset At, string? Reason, BindingView? Before, BindingView? After);

/// <summary>A client's audit trail, oldest first.</summary>
public sealed record AuditListView(string ClientId, IReadOnlyList<AuditView> Records);

/// <summary>Health of one instance as an anonymous caller sees it: the status and nothing else.</summary>
public sealed record HealthStatusView(string Status);

/// <summary>Health of one instance, with details, for a reader.</summary>
public sealed record HealthView(string Status, int TrustAnchors, DateTimeOffset? TrustAnchorsLoadedAt, string? TrustAnchorSource, DateTimeOffset? ChangeFeedReadAt, int CachedCertificates, int CachedBindings);
