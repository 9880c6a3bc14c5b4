namespace TppGate.Core.Bindings;

/// <summary>What happened to a binding.</summary>
public enum AuditAction
{
    /// <summary>A binding was registered.</summary>
    Registered = 1,

    /// <summary>A binding was revoked.</summary>
    Revoked = 2,

    /// <summary>A registration was refused (bound elsewhere or blocked).</summary>
    Refused = 3,

    /// <summary>A binding's activation window or note was changed (decision 0014).</summary>
    Updated = 4,
}

/// <summary>An append-only record of one change to a binding.</summary>
/// <param name="ClientId">The client the change concerns.</param>
/// <param name="Sha256">The certificate's SHA-256, hex.</param>
/// <param name="Action">What happened.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, when given (for an update, the note it set, if any).</param>
/// <param name="Before">The binding before the change (null for a registration).</param>
/// <param name="After">The binding after the change.</param>
public sealed record AuditRecord(
    string ClientId,
    string Sha256,
    AuditAction Action,
    string Actor,
    DateTimeOffset At,
    string? Reason,
    CertificateBinding? Before,
    CertificateBinding? After);
