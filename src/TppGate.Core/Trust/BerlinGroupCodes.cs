namespace TppGate.Core.Trust;

/// <summary>
/// Berlin Group NextGenPSD2 error codes that a TPP expects for a chain failure. The caller gets the code;
/// the <see cref="ChainValidationResult.Detail"/> goes to the log only.
/// </summary>
public static class BerlinGroupCodes
{
    /// <summary>The certificate is invalid (untrusted, wrong usage, weak, malformed).</summary>
    public const string CertificateInvalid = "CERTIFICATE_INVALID";

    /// <summary>The certificate has expired or is not yet valid.</summary>
    public const string CertificateExpired = "CERTIFICATE_EXPIRED";

    /// <summary>The certificate is revoked by its CA.</summary>
    public const string CertificateRevoked = "CERTIFICATE_REVOKED";

    /// <summary>The gateway cannot judge any certificate now (no trust anchors loaded): retry later.</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    /// <summary>The Berlin Group code for one failure.</summary>
    public static string For(ChainFailure failure) => failure switch
    {
        ChainFailure.Expired or ChainFailure.NotYetValid => CertificateExpired,
        ChainFailure.Revoked => CertificateRevoked,
        ChainFailure.NoTrustAnchors => ServiceUnavailable,
        _ => CertificateInvalid,
    };

    /// <summary>
    /// The single code for a result: null when trusted; otherwise the most telling failure wins
    /// (unavailable, then revoked, then invalid, then expired), so an untrusted expired certificate
    /// is reported as invalid rather than inviting a renewal that would not help.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public static string? For(ChainValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Trusted)
        {
            return null;
        }

        string[] precedence = [ServiceUnavailable, CertificateRevoked, CertificateInvalid, CertificateExpired];
        var codes = result.Failures.Select(For).ToHashSet(StringComparer.Ordinal);
        return precedence.FirstOrDefault(codes.Contains) ?? CertificateInvalid;
    }
}
