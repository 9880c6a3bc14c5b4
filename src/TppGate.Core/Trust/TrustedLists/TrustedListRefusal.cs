namespace TppGate.Core.Trust.TrustedLists;

/// <summary>Why a trusted list was refused as a whole. A refused list changes nothing: its previous anchors stay.</summary>
public enum TrustedListRefusal
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>Larger than the configured size cap; not parsed.</summary>
    TooLarge,

    /// <summary>Not well-formed XML, or XML with a DTD (prohibited: no entities, nothing external).</summary>
    NotWellFormed,

    /// <summary>Well-formed, but not a trusted list the import can read (missing or unreadable scheme information).</summary>
    Malformed,

    /// <summary>Has no enveloped ds:Signature.</summary>
    Unsigned,

    /// <summary>The signature has a shape the import refuses: other references, transforms, algorithms or external URIs.</summary>
    UnsupportedSignature,

    /// <summary>The signature or one of its two references does not verify.</summary>
    BadSignature,

    /// <summary>Signed by a certificate that is not pinned (LOTL) or not announced by the LOTL for this territory.</summary>
    SignerNotAnnounced,

    /// <summary>The signing certificate is outside its validity period at the validation time.</summary>
    SignerNotTimeValid,

    /// <summary>Issued after the validation time.</summary>
    NotYetIssued,

    /// <summary>Past its NextUpdate by more than the configured grace, or closed (no NextUpdate).</summary>
    Expired,

    /// <summary>Its TSLSequenceNumber is lower than the one last accepted for its territory: a replayed old list.</summary>
    Rollback,

    /// <summary>Not of the expected TSLType (a LOTL where a national list belongs, or the reverse).</summary>
    WrongType,

    /// <summary>The LOTL announces no XML trusted list for this territory.</summary>
    TerritoryNotAnnounced,

    /// <summary>More than one list for the same territory was given.</summary>
    DuplicateTerritory,

    /// <summary>The pivot LOTLs do not lead from the pinned certificates to the current LOTL's signer.</summary>
    PivotChainBroken,

    /// <summary>Not judged: the LOTL was refused, so no national list can be verified.</summary>
    LotlRefused,

    /// <summary>Could not be obtained (download failed, timed out or was too large).</summary>
    Unavailable,
}
