using TppGate.Core.Eidas;

namespace TppGate.Core.Authorization;

/// <summary>
/// Whether a certificate's eIDAS content makes it usable as a TPP's TLS client certificate. One rule for the
/// authorizer and for registration, so nothing can be registered that would then be denied, or the reverse.
/// </summary>
public static class Psd2Acceptance
{
    /// <summary>Null when acceptable; otherwise why not, for the log.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is null.</exception>
    public static string? Refusal(EidasProfile profile, bool requirePsd2)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!requirePsd2)
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
}
