namespace TppGate.Core.Trust;

/// <summary>How revocation is checked.</summary>
public enum RevocationCheck
{
    /// <summary>No revocation check: an explicit choice, for PKIs without revocation sources.</summary>
    NoCheck = 0,

    /// <summary>Only CRLs the cache already holds (the background refresher and the shared store fill it); a request never fetches.</summary>
    Offline,

    /// <summary>The CRL cache, plus one single-flight fetch within <see cref="ChainValidationOptions.RevocationTimeout"/> for a CRL not cached yet (the default).</summary>
    Online,
}
