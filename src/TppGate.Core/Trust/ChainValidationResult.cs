namespace TppGate.Core.Trust;

/// <summary>The outcome of validating a client certificate's chain.</summary>
/// <param name="Trusted">True when the chain ends in a configured anchor and nothing failed.</param>
/// <param name="Failures">Every failure found; empty when trusted.</param>
/// <param name="Detail">Chain status text for the log only, never for the caller.</param>
public sealed record ChainValidationResult(bool Trusted, IReadOnlyList<ChainFailure> Failures, string? Detail)
{
    /// <summary>
    /// The first moment at which the passing of time alone could change this result, or null when none is known:
    /// a certificate of the chain leaving or entering its validity period (with the clock skew), or the CRL or OCSP
    /// answer that cleared a certificate going stale. A verdict built on this result is not kept past it.
    /// </summary>
    public DateTimeOffset? RecheckAt { get; init; }

    /// <summary>A trusted chain.</summary>
    public static ChainValidationResult Success { get; } = new(true, [], null);
}
