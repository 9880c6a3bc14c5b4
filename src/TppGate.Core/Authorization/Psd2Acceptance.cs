using TppGate.Core.Eidas;

namespace TppGate.Core.Authorization;

/// <summary>
/// Whether a certificate's eIDAS content and X.509 structure make it usable as a TPP's TLS client
/// certificate. One rule for the authorizer and for registration, so nothing can be registered that would
/// then be denied, or the reverse.
/// </summary>
public static class Psd2Acceptance
{
    /// <summary>Null when acceptable; otherwise why not, for the log.</summary>
    /// <param name="profile">What <see cref="EidasReader.Read(System.Security.Cryptography.X509Certificates.X509Certificate2)"/> found.</param>
    /// <param name="options">The policy: <see cref="AuthorizerOptions.RequirePsd2"/> and <see cref="AuthorizerOptions.RequireQualified"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> or <paramref name="options"/> is null.</exception>
    public static string? Refusal(EidasProfile profile, AuthorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);

        // X.509 structure (decision 0009): one encoding per certificate, each extension once, and no CA
        // certificate as a client. These hold whatever the eIDAS policy is.
        foreach (var finding in profile.Findings)
        {
            if (finding.Code is FindingCodes.CertificateNotDer or FindingCodes.ExtensionDuplicate or FindingCodes.EndEntityIsCa)
            {
                return finding.Message;
            }
        }

        if (options.RequireQualified && Unqualified(profile) is { } unqualified)
        {
            return unqualified;
        }

        if (!options.RequirePsd2)
        {
            return null;
        }

        if (!profile.HasPsd2Roles)
        {
            return "no PSD2 statement with a standard role";
        }

        if (profile.IsSealOnly)
        {
            return "a QSealC (QcType eseal) is not a TLS client certificate";
        }

        // TS 119 495 bounds NCAName to UTF8String (SIZE (1..256)): beyond that, or with control characters,
        // the statement is malformed rather than unusual (decision 0005).
        if (profile.QcStatements!.Psd2!.NcaName is not { Length: > 0 and <= 256 } ncaName || ncaName.Any(char.IsControl))
        {
            return "the PSD2 statement's NCAName is empty, longer than 256 characters or holds control characters";
        }

        return null;
    }

    // A QWAC for PSD2 (ETSI TS 119 495 clause 5.1, EN 319 412-5 clause 4.2): QcCompliance, QcType web and the
    // PSD2 statement.
    private static string? Unqualified(EidasProfile profile) => profile.QcStatements switch
    {
        null => "no qcStatements: not an EU qualified certificate",
        { Compliance: false } => "no QcCompliance statement: not an EU qualified certificate",
        { } q when !q.Types.Contains("web") => "no QcType web: not a qualified website authentication certificate (QWAC)",
        { Psd2: null } => "no PSD2 statement",
        _ => null,
    };
}
