namespace TppGate.Core.Trust;

/// <summary>How revocation is checked.</summary>
public enum RevocationCheck
{
    /// <summary>No revocation check (the default: QTSP CRLs are often slow, and bindings are revoked by the bank).</summary>
    NoCheck = 0,

    /// <summary>Only cached CRLs/OCSP responses.</summary>
    Offline,

    /// <summary>Fetch CRLs/OCSP responses, within <see cref="ChainValidationOptions.RevocationTimeout"/>.</summary>
    Online,
}
