using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust;

/// <summary>
/// Validates a client certificate against configured trust anchors only (never the machine store), at the
/// time given by a <see cref="TimeProvider"/>. Never throws for a bad certificate: failures are results.
/// </summary>
public sealed class ChainValidator(ITrustAnchorProvider anchors, ChainValidationOptions options, TimeProvider timeProvider)
{
    /// <summary>Validates <paramref name="leaf"/>, using <paramref name="extraIntermediates"/> only as path-building hints.</summary>
    public ChainValidationResult Validate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2>? extraIntermediates = null)
        => throw new NotImplementedException($"filled in by the trust work ({anchors}, {options}, {timeProvider})");
}
