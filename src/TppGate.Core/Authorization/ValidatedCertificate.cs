using TppGate.Core.Certificates;
using TppGate.Core.Trust;

namespace TppGate.Core.Authorization;

/// <summary>
/// What the authorizer keeps about one forwarded certificate value after reading and validating it: its
/// identity, its PSD2 content and the verdict, valid until <see cref="CacheUntil"/>.
/// </summary>
public sealed class ValidatedCertificate
{
    internal ValidatedCertificate(
        CertificateThumbprints thumbprints,
        string subject,
        string? organizationId,
        IReadOnlyList<string> roles,
        string? ncaId,
        DenyCode? failure,
        string? failureDetail,
        DateTimeOffset cacheUntil,
        TrustAnchorSet? anchors,
        long revocationGeneration = 0)
    {
        RevocationGeneration = revocationGeneration;
        Thumbprints = thumbprints;
        Subject = subject;
        OrganizationId = organizationId;
        Roles = roles;
        NcaId = ncaId;
        Failure = failure;
        FailureDetail = failureDetail;
        CacheUntil = cacheUntil;
        Anchors = anchors;
    }

    /// <summary>The certificate's SHA-256 identities.</summary>
    public CertificateThumbprints Thumbprints { get; }

    /// <summary>Subject distinguished name, for logs.</summary>
    public string Subject { get; }

    /// <summary>The organizationIdentifier, when present.</summary>
    public string? OrganizationId { get; }

    /// <summary>Canonical PSD2 roles.</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>The PSD2 statement's NCA id.</summary>
    public string? NcaId { get; }

    /// <summary>Why the certificate cannot be used, or null when it is trusted and acceptable.</summary>
    public DenyCode? Failure { get; }

    /// <summary>For the log: the chain status or finding behind <see cref="Failure"/>.</summary>
    public string? FailureDetail { get; }

    /// <summary>When this verdict must be recomputed (TTL, or the certificate's notAfter).</summary>
    public DateTimeOffset CacheUntil { get; }

    /// <summary>The anchor set the verdict was reached with; a new set invalidates it.</summary>
    internal TrustAnchorSet? Anchors { get; }

    /// <summary>The CRL cache's generation the verdict was reached with; a changed CRL invalidates it.</summary>
    internal long RevocationGeneration { get; }

    private AuthorizationDecision? _lastAllow;

    /// <summary>The allow for <paramref name="clientId"/>, reused while the same client keeps calling (hosts cache the rendered answer on it).</summary>
    internal AuthorizationDecision AllowFor(string clientId)
    {
        var last = Volatile.Read(ref _lastAllow);
        if (last is not null && string.Equals(last.ClientId, clientId, StringComparison.Ordinal))
        {
            return last;
        }

        var allow = AuthorizationDecision.Allow(clientId, this);
        Volatile.Write(ref _lastAllow, allow);
        return allow;
    }
}
