namespace TppGate.Core.Trust.Revocation;

/// <summary>What the CRL cache, or the OCSP cache for a certificate without a CRL, says about one certificate.</summary>
public enum RevocationState
{
    /// <summary>A current CRL from its issuer does not list it, or its OCSP responder answers good.</summary>
    Good = 0,

    /// <summary>A current CRL from its issuer lists it, or its OCSP responder answers revoked.</summary>
    Revoked,

    /// <summary>No current CRL or OCSP answer (never fetched, unreachable, refused, or past nextUpdate plus the grace), or the responder answers unknown.</summary>
    Unknown,

    /// <summary>The certificate names no http(s) CRL distribution point (and, from the OCSP cache, no http(s) OCSP responder).</summary>
    NoSource,
}

/// <summary>The state and, for the log, why.</summary>
/// <param name="State">The state.</param>
/// <param name="Detail">Which CRL, and what was wrong with it; null when good.</param>
/// <param name="GoodUntil">For <see cref="RevocationState.Good"/>: when the CRL or OCSP answer that says so stops being usable (nextUpdate plus the grace).</param>
public readonly record struct RevocationStatus(RevocationState State, string? Detail, DateTimeOffset? GoodUntil = null);
