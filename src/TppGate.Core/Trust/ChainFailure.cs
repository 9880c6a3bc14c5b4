namespace TppGate.Core.Trust;

/// <summary>Why a certificate chain is not trusted. Stable: these names appear in logs and CLI output.</summary>
public enum ChainFailure
{
    /// <summary>No chain to a configured trust anchor (unknown root, missing or bogus intermediate, bad signature).</summary>
    Untrusted = 1,

    /// <summary>The leaf or a CA certificate has expired at the validation time (after the allowed skew).</summary>
    Expired,

    /// <summary>The leaf or a CA certificate is not yet valid at the validation time (after the allowed skew).</summary>
    NotYetValid,

    /// <summary>A certificate in the chain is revoked by its CA.</summary>
    Revoked,

    /// <summary>Revocation could not be checked (CRL/OCSP unreachable or stale) and the policy denies that.</summary>
    RevocationUnknown,

    /// <summary>The leaf lacks the clientAuth extended key usage, or a CA's EKU excludes it.</summary>
    WrongUsage,

    /// <summary>A CA certificate is not a CA (basicConstraints) or a path length is broken.</summary>
    InvalidBasicConstraints,

    /// <summary>The chain carries an unknown critical extension.</summary>
    UnknownCriticalExtension,

    /// <summary>A signature algorithm or key below policy (SHA-1, RSA under 2048 bits).</summary>
    WeakAlgorithm,

    /// <summary>No trust anchors are loaded: nothing can be trusted.</summary>
    NoTrustAnchors,

    /// <summary>Revocation is checked but the certificate names no revocation source, neither a CRL distribution point nor an OCSP responder (ETSI EN 319 412-2 requires one in a QWAC).</summary>
    NoRevocationSource,
}
