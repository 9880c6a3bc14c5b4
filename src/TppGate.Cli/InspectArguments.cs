using TppGate.Core.Certificates;

namespace TppGate.Cli;

/// <summary>The parsed command line of <c>tppgate inspect</c>.</summary>
/// <param name="Input">A file path, or <c>-</c> for standard input.</param>
/// <param name="Format">How the input is written.</param>
/// <param name="ChainFiles">Files holding forwarded chain certificates.</param>
/// <param name="AnchorFiles">Files holding trust anchors; empty means no chain validation.</param>
/// <param name="At">The validation time, when given.</param>
/// <param name="Json">Write one JSON object instead of text.</param>
public sealed record InspectArguments(
    string Input,
    CertificateSourceFormat Format,
    IReadOnlyList<string> ChainFiles,
    IReadOnlyList<string> AnchorFiles,
    DateTimeOffset? At,
    bool Json)
{
    /// <summary>The format names accepted by <c>--format</c>, as written in output.</summary>
    public static string FormatName(CertificateSourceFormat format) => format switch
    {
        CertificateSourceFormat.Auto => "auto",
        CertificateSourceFormat.Der => "der",
        CertificateSourceFormat.Base64 => "base64",
        CertificateSourceFormat.Pem => "pem",
        CertificateSourceFormat.UrlPem => "urlpem",
        CertificateSourceFormat.Rfc9440 => "rfc9440",
        CertificateSourceFormat.Xfcc => "xfcc",
        _ => format.ToString().ToLowerInvariant(),
    };

    /// <summary>The format named <paramref name="value"/> (as <see cref="FormatName"/> writes it); auto when null.</summary>
    /// <exception cref="ArgumentException">No format has that name.</exception>
    public static CertificateSourceFormat ParseFormat(string? value)
    {
        if (value is null)
        {
            return CertificateSourceFormat.Auto;
        }

        return TryParseFormat(value, out var format) ? format : throw new ArgumentException($"unknown format '{value}'", nameof(value));
    }

    private static bool TryParseFormat(string value, out CertificateSourceFormat format)
    {
        foreach (var candidate in Enum.GetValues<CertificateSourceFormat>())
        {
            if (string.Equals(FormatName(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        format = default;
        return false;
    }
}
