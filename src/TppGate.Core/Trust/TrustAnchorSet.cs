using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust;

/// <summary>An immutable set of trust anchors (QTSP roots) and known intermediates, and when it was loaded.</summary>
public sealed class TrustAnchorSet
{
    /// <summary>Creates a set. Self-signed certificates become anchors; the others, intermediates.</summary>
    public TrustAnchorSet(IEnumerable<X509Certificate2> certificates, DateTimeOffset loadedAt, string source)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var anchors = new X509Certificate2Collection();
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

    /// <summary>Self-signed roots: the only certificates trusted.</summary>
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
