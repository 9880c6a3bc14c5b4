namespace TppGate.Azure.KeyVault;

/// <summary>Why a trust anchor refresh failed. The previous set, if any, stays in use.</summary>
public enum TrustAnchorRefreshFailure
{
    /// <summary>The refresh succeeded.</summary>
    None = 0,

    /// <summary>Key Vault answered 5xx, timed out or could not be reached.</summary>
    VaultUnavailable,

    /// <summary>Key Vault answered 429 after the client's retries.</summary>
    Throttled,

    /// <summary>Authentication or authorization failed (no token, 401, 403).</summary>
    AccessDenied,

    /// <summary>Key Vault answered with something else the adapter does not expect.</summary>
    UnexpectedResponse,

    /// <summary>The vault holds no usable self-signed root with the tag; an empty trust set is never installed.</summary>
    NoAnchors,
}

/// <summary>The outcome of one refresh.</summary>
/// <param name="Failure">Why it failed, or <see cref="TrustAnchorRefreshFailure.None"/>.</param>
/// <param name="CertificateCount">Certificates in the set just loaded; 0 on failure.</param>
/// <param name="RejectedSecretCount">Tagged secrets skipped because they were unusable (see the log).</param>
/// <param name="StatusCode">The HTTP status behind a failure, if there was one.</param>
public sealed record TrustAnchorRefreshResult(
    TrustAnchorRefreshFailure Failure,
    int CertificateCount,
    int RejectedSecretCount,
    int? StatusCode = null)
{
    /// <summary>True when a new set was installed.</summary>
    public bool Succeeded => Failure == TrustAnchorRefreshFailure.None;
}
