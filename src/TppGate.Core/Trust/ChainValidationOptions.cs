namespace TppGate.Core.Trust;

/// <summary>Chain policy. The defaults are the secure ones.</summary>
public sealed class ChainValidationOptions
{
    /// <summary>Require the clientAuth EKU (1.3.6.1.5.5.7.3.2) on the leaf. Default true.</summary>
    public bool RequireClientAuthentication { get; set; } = true;

    /// <summary>Clock skew allowed at both ends of every validity period. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How revocation is checked. Default <see cref="RevocationCheck.Online"/>: against the CRL cache, with one
    /// bounded fetch for a CRL not cached yet (decision 0009), or OCSP for a certificate without a CRL
    /// distribution point (decision 0017). <see cref="RevocationCheck.NoCheck"/> switches it off.
    /// </summary>
    public RevocationCheck Revocation { get; set; } = RevocationCheck.Online;

    /// <summary>Time allowed for fetching revocation data online (a CRL download, an OCSP exchange). Default 2 seconds.</summary>
    public TimeSpan RevocationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a certificate whose CRL is unreachable, never fetched or stale past <see cref="CrlGrace"/> is still
    /// allowed (with the reason in the log); the same for OCSP: no usable answer, or the responder answers
    /// "unknown". Default false: deny with 503 SERVICE_UNAVAILABLE.
    /// </summary>
    public bool AllowUnknownRevocation { get; set; }

    /// <summary>
    /// How long past its nextUpdate a cached CRL, or a cached OCSP answer whose responder cannot answer again, is
    /// still used; how long a CRL or OCSP answer without nextUpdate is used. Default 1 hour.
    /// </summary>
    public TimeSpan CrlGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the background refresher fetches every known CRL again. Default 15 minutes.</summary>
    public TimeSpan CrlRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The largest CRL downloaded, in bytes. Default 20 MB.</summary>
    public int MaxCrlBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Accept a client certificate that names no revocation source (no http(s) CRL distribution point and no http(s)
    /// OCSP responder) while revocation is checked. Default false: ETSI EN 319 412-2 requires a QWAC to name one,
    /// so such a certificate is CERTIFICATE_INVALID.
    /// </summary>
    public bool AllowMissingRevocationSource { get; set; }

    /// <summary>Refuse SHA-1 signatures and RSA keys under 2048 bits. Default true.</summary>
    public bool RejectWeakAlgorithms { get; set; } = true;
}
