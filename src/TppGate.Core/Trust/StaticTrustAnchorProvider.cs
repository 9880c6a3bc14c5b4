using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust;

/// <summary>A fixed, in-memory set of trust anchors: for tests, the CLI and hosts that load anchors once.</summary>
public sealed class StaticTrustAnchorProvider : ITrustAnchorProvider
{
    /// <summary>Wraps an existing set (or null: nothing loaded, which denies every chain).</summary>
    public StaticTrustAnchorProvider(TrustAnchorSet? set) => Current = set;

    /// <summary>Builds a set from certificates; self-signed ones become anchors, the others intermediates.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificates"/> is null.</exception>
    public StaticTrustAnchorProvider(IEnumerable<X509Certificate2> certificates, string source = "static")
        : this(new TrustAnchorSet(certificates, DateTimeOffset.UtcNow, source))
    {
    }

    /// <inheritdoc />
    public TrustAnchorSet? Current { get; }
}
