using System.Diagnostics.CodeAnalysis;
using System.Xml;

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>
/// Imports QWAC trust anchors from the EU List of the Lists and the national lists it announces
/// (ETSI TS 119 612, decision 0012). Pure: bytes, pinned certificates, a time and the previous state in; verdicts,
/// anchors and the next state out. Never throws for bad input.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The LOTL must be signed by a pinned certificate, or by one that pivot LOTLs announce, starting from a
/// pinned certificate (<see cref="ResolveLotlSigners"/>).</item>
/// <item>Each national list must be signed by a certificate the accepted LOTL announces for its territory.</item>
/// <item>A list past NextUpdate beyond the grace, issued in the future, signed by a certificate outside its
/// validity, or with a TSLSequenceNumber below the last accepted for its territory is refused.</item>
/// <item>A refused list changes nothing: the anchors its territory had stay. A refused LOTL changes nothing at all.
/// A territory the accepted LOTL no longer announces loses its anchors.</item>
/// </list>
/// </remarks>
public sealed class TrustedListImporter(TrustedListImportOptions options)
{
    private const string LotlTerritory = "EU";

    /// <summary>Runs one import.</summary>
    /// <param name="lotl">The current LOTL.</param>
    /// <param name="pivots">Pivot LOTLs (older LOTLs the current one names in SchemeInformationURI), in any order.</param>
    /// <param name="lists">National lists.</param>
    /// <param name="pinnedSigners">DER of the LOTL signing certificates the operator pinned (from the Official Journal).</param>
    /// <param name="now">The validation time.</param>
    /// <param name="previous">The state of the last run.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    public TrustedListImport Import(
        TrustedListSource lotl,
        IReadOnlyList<TrustedListSource> pivots,
        IReadOnlyList<TrustedListSource> lists,
        IReadOnlyList<byte[]> pinnedSigners,
        DateTimeOffset now,
        TrustedListState previous)
    {
        ArgumentNullException.ThrowIfNull(lotl);
        ArgumentNullException.ThrowIfNull(pivots);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(pinnedSigners);
        ArgumentNullException.ThrowIfNull(previous);

        var lotlJudged = JudgeLotl(lotl, pivots, pinnedSigners, now, previous, out var lotlList);
        if (lotlList is null)
        {
            var notJudged = lists.Select(l => new TrustedListOutcome(l.Name, l.Territory, null, false, TrustedListRefusal.LotlRefused, "the LOTL was refused")).ToList();
            return new TrustedListImport(lotlJudged, notJudged, previous.Anchors, previous);
        }

        var outcomes = new TrustedListOutcome[lists.Count];
        var accepted = new Dictionary<string, (TrustedList List, int Index)>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var read = new TrustedList?[lists.Count];
        for (var i = 0; i < lists.Count; i++)
        {
            outcomes[i] = JudgeNational(lists[i], lotlList, now, previous, out read[i]);
        }

        // Two lists for one territory: neither is believed.
        foreach (var group in read.Select((l, i) => (l, i)).Where(x => x.l is not null).GroupBy(x => x.l!.Territory, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            duplicates.Add(group.Key);
            foreach (var (_, i) in group)
            {
                outcomes[i] = outcomes[i] with { Refusal = TrustedListRefusal.DuplicateTerritory, Detail = $"more than one list for {group.Key} was given" };
            }
        }

        for (var i = 0; i < lists.Count; i++)
        {
            if (outcomes[i].Accepted && read[i] is { } list)
            {
                accepted[list.Territory] = (list, i);
            }
        }

        var announced = lotlList.Pointers.Where(IsNationalXmlPointer).Select(p => p.Territory!).ToHashSet(StringComparer.Ordinal);
        var anchors = new List<TrustedListAnchor>();
        var sequences = new Dictionary<string, long>(previous.Sequences, StringComparer.Ordinal) { [LotlTerritory] = lotlList.SequenceNumber };
        foreach (var territory in announced.Order(StringComparer.Ordinal))
        {
            if (accepted.TryGetValue(territory, out var entry))
            {
                anchors.AddRange(QwacAnchorRule.Extract(entry.List));
                sequences[territory] = entry.List.SequenceNumber;
            }
            else
            {
                anchors.AddRange(previous.Anchors.Where(a => a.Territory == territory));
            }
        }

        return new TrustedListImport(lotlJudged, outcomes, anchors, new TrustedListState(sequences, anchors));
    }

    /// <summary>
    /// The certificates that may sign the current LOTL: the pinned ones, carried forward through the pivot LOTLs.
    /// Pivots are taken oldest first (by TSLSequenceNumber, all below the current LOTL's). A pivot signed by a
    /// certificate of the current set is followed: the LOTL signing certificates it announces (its pointer to the
    /// EU LOTL) become the set. A pivot not signed by the current set is ignored while none has been followed (it
    /// predates the pinned certificates); after one has been followed, it breaks the chain and the LOTL is refused.
    /// </summary>
    /// <returns>The signer set, or null with <paramref name="error"/>.</returns>
    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    internal IReadOnlyList<byte[]>? ResolveLotlSigners(IReadOnlyList<TrustedListSource> pivots, IReadOnlyList<byte[]> pinned, long currentSequence, out string? error)
    {
        var loaded = new List<(TrustedList List, TrustedListSignature Signature, string Name)>();
        foreach (var pivot in pivots)
        {
            var refusal = Load(pivot, out var document, out var list, out var detail);
            if (refusal != TrustedListRefusal.None || list is null || document is null)
            {
                error = $"pivot {pivot.Name}: {detail}";
                return null;
            }

            if (list.Type != TrustedListUris.LotlType)
            {
                error = $"pivot {pivot.Name} is not a LOTL ({list.Type})";
                return null;
            }

            if (list.SequenceNumber < currentSequence)
            {
                loaded.Add((list, TrustedListSignatureVerifier.Verify(document), pivot.Name));
            }
        }

        IReadOnlyList<byte[]> signers = pinned;
        var followed = 0;
        foreach (var (list, signature, name) in loaded.OrderBy(p => p.List.SequenceNumber))
        {
            var signedByCurrent = signature.Status == SignatureStatus.Valid && Contains(signers, signature.Signer!);
            if (!signedByCurrent)
            {
                if (followed > 0)
                {
                    error = $"pivot {name} (sequence {list.SequenceNumber}) is not signed by a certificate the previous pivot announces: {signature.Detail}";
                    return null;
                }

                continue;
            }

            signers = list.Pointers.Where(p => p.Type == TrustedListUris.LotlType).SelectMany(p => p.SigningCertificates).ToList();
            followed++;
        }

        error = null;
        return signers;
    }

    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    private TrustedListOutcome JudgeLotl(
        TrustedListSource source,
        IReadOnlyList<TrustedListSource> pivots,
        IReadOnlyList<byte[]> pinned,
        DateTimeOffset now,
        TrustedListState previous,
        out TrustedList? accepted)
    {
        accepted = null;
        var refusal = Load(source, out var document, out var list, out var detail);
        if (refusal != TrustedListRefusal.None)
        {
            return new TrustedListOutcome(source.Name, LotlTerritory, null, false, refusal, detail);
        }

        if (list!.Type != TrustedListUris.LotlType)
        {
            return new TrustedListOutcome(source.Name, list.Territory, list.SequenceNumber, false, TrustedListRefusal.WrongType, $"TSLType is {list.Type}, not the LOTL's");
        }

        var signature = TrustedListSignatureVerifier.Verify(document!);
        var signatureValid = signature.Status == SignatureStatus.Valid;
        TrustedListOutcome Refuse(TrustedListRefusal why, string text) => new(source.Name, list.Territory, list.SequenceNumber, signatureValid, why, text);

        if (SignatureRefusal(signature) is { } bad)
        {
            return Refuse(bad, signature.Detail);
        }

        var signers = ResolveLotlSigners(pivots, pinned, list.SequenceNumber, out var pivotError);
        if (signers is null)
        {
            return Refuse(TrustedListRefusal.PivotChainBroken, pivotError!);
        }

        if (!Contains(signers, signature.Signer!))
        {
            return Refuse(TrustedListRefusal.SignerNotAnnounced, $"{signature.Detail}, which is neither pinned nor announced by a pivot LOTL");
        }

        if (Timeliness(list, signature, now, previous, LotlTerritory) is { } late)
        {
            return Refuse(late.Refusal, late.Detail);
        }

        accepted = list;
        return Refuse(TrustedListRefusal.None, signature.Detail);
    }

    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    private TrustedListOutcome JudgeNational(TrustedListSource source, TrustedList lotl, DateTimeOffset now, TrustedListState previous, out TrustedList? read)
    {
        read = null;
        var refusal = Load(source, out var document, out var list, out var detail);
        if (refusal != TrustedListRefusal.None)
        {
            return new TrustedListOutcome(source.Name, source.Territory, null, false, refusal, detail);
        }

        if (list!.Type == TrustedListUris.LotlType)
        {
            return new TrustedListOutcome(source.Name, list.Territory, list.SequenceNumber, false, TrustedListRefusal.WrongType, "a LOTL was given where a national list belongs");
        }

        if (source.Territory is { } expected && !string.Equals(expected, list.Territory, StringComparison.Ordinal))
        {
            return new TrustedListOutcome(source.Name, list.Territory, list.SequenceNumber, false, TrustedListRefusal.WrongType, $"the LOTL points here for {expected}, but the list is for {list.Territory}");
        }

        read = list;
        var signature = TrustedListSignatureVerifier.Verify(document!);
        var signatureValid = signature.Status == SignatureStatus.Valid;
        TrustedListOutcome Refuse(TrustedListRefusal why, string text) => new(source.Name, list.Territory, list.SequenceNumber, signatureValid, why, text);

        var pointers = lotl.Pointers.Where(p => IsNationalXmlPointer(p) && p.Territory == list.Territory).ToList();
        if (pointers.Count == 0)
        {
            return Refuse(TrustedListRefusal.TerritoryNotAnnounced, $"the LOTL announces no XML trusted list for {list.Territory}");
        }

        if (SignatureRefusal(signature) is { } bad)
        {
            return Refuse(bad, signature.Detail);
        }

        if (!Contains(pointers.SelectMany(p => p.SigningCertificates).ToList(), signature.Signer!))
        {
            return Refuse(TrustedListRefusal.SignerNotAnnounced, $"{signature.Detail}, which the LOTL does not announce for {list.Territory}");
        }

        if (Timeliness(list, signature, now, previous, list.Territory) is { } late)
        {
            return Refuse(late.Refusal, late.Detail);
        }

        return Refuse(TrustedListRefusal.None, signature.Detail);
    }

    private (TrustedListRefusal Refusal, string Detail)? Timeliness(TrustedList list, TrustedListSignature signature, DateTimeOffset now, TrustedListState previous, string territory)
    {
        var skew = options.ClockSkew;
        if (signature.SignerValidity is { } v && (now < v.NotBefore - skew || now > v.NotAfter + skew))
        {
            return (TrustedListRefusal.SignerNotTimeValid, $"the signing certificate is valid from {v.NotBefore:O} to {v.NotAfter:O}, not at {now:O}");
        }

        if (list.IssueTime > now + skew)
        {
            return (TrustedListRefusal.NotYetIssued, $"issued {list.IssueTime:O}, after {now:O}");
        }

        if (list.NextUpdate is not { } next)
        {
            return (TrustedListRefusal.Expired, "the list is closed (no NextUpdate)");
        }

        if (now > next + options.NextUpdateGrace)
        {
            return (TrustedListRefusal.Expired, $"NextUpdate was {next:O}; with a grace of {options.NextUpdateGrace} it is stale at {now:O}");
        }

        if (previous.Sequences.TryGetValue(territory, out var last) && list.SequenceNumber < last)
        {
            return (TrustedListRefusal.Rollback, $"sequence {list.SequenceNumber} is lower than {last}, the last accepted for {territory}");
        }

        return null;
    }

    private TrustedListRefusal Load(TrustedListSource source, out XmlDocument? document, out TrustedList? list, out string detail)
    {
        list = null;
        document = null;
        if (source.Content is not { } content)
        {
            detail = source.Error ?? "not obtained";
            return TrustedListRefusal.Unavailable;
        }

        var refusal = TrustedListDocument.TryLoad(content, options.MaxListBytes, out document, out var error);
        if (refusal != TrustedListRefusal.None)
        {
            detail = error!;
            return refusal;
        }

        list = TrustedListReader.TryRead(document!, out error);
        if (list is null)
        {
            detail = error!;
            return TrustedListRefusal.Malformed;
        }

        detail = string.Empty;
        return TrustedListRefusal.None;
    }

    private static TrustedListRefusal? SignatureRefusal(TrustedListSignature signature) => signature.Status switch
    {
        SignatureStatus.Valid => null,
        SignatureStatus.Missing => TrustedListRefusal.Unsigned,
        SignatureStatus.Unsupported => TrustedListRefusal.UnsupportedSignature,
        _ => TrustedListRefusal.BadSignature,
    };

    private static bool IsNationalXmlPointer(TrustedListPointer pointer)
        => pointer.Territory is { Length: > 0 }
           && pointer.Type != TrustedListUris.LotlType
           && string.Equals(pointer.MimeType, TrustedListUris.XmlMimeType, StringComparison.OrdinalIgnoreCase);

    private static bool Contains(IReadOnlyList<byte[]> certificates, byte[] certificate)
    {
        foreach (var c in certificates)
        {
            if (c.AsSpan().SequenceEqual(certificate))
            {
                return true;
            }
        }

        return false;
    }
}
