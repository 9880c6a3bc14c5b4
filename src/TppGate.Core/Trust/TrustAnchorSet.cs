using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust;

/// <summary>An immutable set of trust anchors (QTSP roots, trusted-list service certificates) and known intermediates, and when it was loaded.</summary>
public sealed class TrustAnchorSet
{
    /// <summary>Creates a set. Self-signed certificates become anchors; the others, intermediates.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificates"/> is null.</exception>
    public TrustAnchorSet(IEnumerable<X509Certificate2> certificates, DateTimeOffset loadedAt, string source)
        : this(certificates, [], loadedAt, source)
    {
    }

    /// <summary>
    /// Creates a set with <paramref name="namedAnchors"/> trusted whether or not they are self-signed (a trusted
    /// list names a QTSP's service certificate, not its issuer: decision 0012); of <paramref name="certificates"/>,
    /// self-signed ones become anchors and the others intermediates.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public TrustAnchorSet(IEnumerable<X509Certificate2> certificates, IEnumerable<X509Certificate2> namedAnchors, DateTimeOffset loadedAt, string source)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(namedAnchors);
        var anchors = new X509Certificate2Collection();
        foreach (var c in namedAnchors)
        {
            anchors.Add(c);
        }

        var intermediates = new X509Certificate2Collection();
        foreach (var c in certificates)
        {
            (c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) ? anchors : intermediates).Add(c);
        }

        Anchors = anchors;
        Intermediates = intermediates;
        LoadedAt = loadedAt;
        Source = source;
    }

    /// <summary>The certificates trusted: self-signed roots and certificates named as anchors (by a trusted list).</summary>
    public X509Certificate2Collection Anchors { get; }

    /// <summary>CA certificates that help build paths; never trusted by themselves.</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>When the set was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Where it came from (a file path, a vault URI), for health and logs.</summary>
    public string Source { get; }

    /// <summary>The number of certificates in the set.</summary>
    public int Count => Anchors.Count + Intermediates.Count;
}

/// <summary>Where trust anchors come from: a file, a folder, Key Vault. The current set is null until one has loaded.</summary>
public interface ITrustAnchorProvider
{
    /// <summary>The last set loaded successfully, or null if none has loaded yet.</summary>
    TrustAnchorSet? Current { get; }
}
