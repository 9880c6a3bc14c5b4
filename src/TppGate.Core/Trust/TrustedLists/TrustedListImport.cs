namespace TppGate.Core.Trust.TrustedLists;

/// <summary>One list to import: its bytes and where they came from, or why they could not be obtained.</summary>
/// <param name="Name">A file path or URL, for reports and logs.</param>
/// <param name="Content">The bytes; null when the list could not be obtained.</param>
/// <param name="Territory">The territory the list is expected to be for (known to a downloader from the LOTL's pointer).</param>
/// <param name="Error">Why <paramref name="Content"/> is null.</param>
public sealed record TrustedListSource(string Name, ReadOnlyMemory<byte>? Content, string? Territory = null, string? Error = null)
{
    /// <summary>A list that was read.</summary>
    public static TrustedListSource Of(string name, ReadOnlyMemory<byte> content, string? territory = null) => new(name, content, territory);

    /// <summary>A list that could not be obtained: it is refused as <see cref="TrustedListRefusal.Unavailable"/>.</summary>
    public static TrustedListSource Unavailable(string name, string? territory, string error) => new(name, null, territory, error);
}

/// <summary>What the import remembers between runs: the last accepted sequence number per territory and the anchors in force.</summary>
/// <param name="Sequences">TSLSequenceNumber last accepted, per SchemeTerritory (the LOTL under EU).</param>
/// <param name="Anchors">The anchors in force, each with the territory whose list gave it.</param>
public sealed record TrustedListState(IReadOnlyDictionary<string, long> Sequences, IReadOnlyList<TrustedListAnchor> Anchors)
{
    /// <summary>Nothing accepted yet.</summary>
    public static TrustedListState Empty { get; } = new(new Dictionary<string, long>(), []);
}

/// <summary>The verdict on one list.</summary>
/// <param name="Source">Where it came from.</param>
/// <param name="Territory">Its SchemeTerritory, when it could be read (else the expected one, if known).</param>
/// <param name="SequenceNumber">Its TSLSequenceNumber, when it could be read.</param>
/// <param name="SignatureValid">True when its signature verified (whoever the signer was).</param>
/// <param name="Refusal">Why it was refused; <see cref="TrustedListRefusal.None"/> when accepted.</param>
/// <param name="Detail">What exactly, for people.</param>
public sealed record TrustedListOutcome(
    string Source,
    string? Territory,
    long? SequenceNumber,
    bool SignatureValid,
    TrustedListRefusal Refusal,
    string Detail)
{
    /// <summary>True when the list was accepted.</summary>
    public bool Accepted => Refusal == TrustedListRefusal.None;
}

/// <summary>The outcome of one import run.</summary>
/// <param name="Lotl">The verdict on the LOTL.</param>
/// <param name="Lists">The verdict on each national list, in the order given.</param>
/// <param name="Anchors">The anchors in force after the run: from accepted lists, and the previous ones of refused lists.</param>
/// <param name="State">The state to keep for the next run (unchanged when the LOTL was refused).</param>
public sealed record TrustedListImport(
    TrustedListOutcome Lotl,
    IReadOnlyList<TrustedListOutcome> Lists,
    IReadOnlyList<TrustedListAnchor> Anchors,
    TrustedListState State)
{
    /// <summary>True when the LOTL was accepted; when not, nothing changed.</summary>
    public bool LotlAccepted => Lotl.Accepted;
}
