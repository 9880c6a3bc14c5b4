namespace TppGate.Core.Trust.Revocation;

/// <summary>What the CRL cache says about one certificate.</summary>
public enum RevocationState
{
    /// <summary>A current CRL from its issuer does not list it.</summary>
    Good = 0,

    /// <summary>A current CRL from its issuer lists it.</summary>
    Revoked,

    /// <summary>No current CRL: never fetched, unreachable, refused, or past nextUpdate plus the grace.</summary>
    Unknown,

    /// <summary>The certificate names no http(s) CRL distribution point.</summary>
    NoSource,
}

/// <summary>The state and, for the log, why.</summary>
/// <param name="State">The state.</param>
/// <param name="Detail">Which CRL, and what was wrong with it; null when good.</param>
public readonly record struct RevocationStatus(RevocationState State, string? Detail);
