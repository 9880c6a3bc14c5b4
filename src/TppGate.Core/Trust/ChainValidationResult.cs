namespace TppGate.Core.Trust;

/// <summary>The outcome of validating a client certificate's chain.</summary>
/// <param name="Trusted">True when the chain ends in a configured anchor and nothing failed.</param>
/// <param name="Failures">Every failure found; empty when trusted.</param>
/// <param name="Detail">Chain status text for the log only, never for the caller.</param>
public sealed record ChainValidationResult(bool Trusted, IReadOnlyList<ChainFailure> Failures, string? Detail)
{
    /// <summary>A trusted chain.</summary>
    public static ChainValidationResult Success { get; } = new(true, [], null);
}
