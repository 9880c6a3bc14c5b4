using System.Globalization;
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

    /// <summary>Parses <paramref name="args"/>; on failure returns null and a message for the user.</summary>
    public static InspectArguments? TryParse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? input = null;
        var format = CertificateSourceFormat.Auto;
        var chains = new List<string>();
        var anchors = new List<string>();
        DateTimeOffset? at = null;
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 >= args.Count)
                {
                    return null;
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--json":
                    json = true;
                    break;
                case "--format":
                    var f = Value();
                    if (f is null || !TryParseFormat(f, out format))
                    {
                        error = $"--format needs one of auto, der, base64, pem, urlpem, rfc9440, xfcc (got '{f}')";
                        return null;
                    }

                    break;
                case "--anchors":
                    var a = Value();
                    if (string.IsNullOrEmpty(a))
                    {
                        error = "--anchors needs a file";
                        return null;
                    }

                    anchors.Add(a);
                    break;
                case "--chain":
                    var c = Value();
                    if (string.IsNullOrEmpty(c))
                    {
                        error = "--chain needs a file";
                        return null;
                    }

                    chains.Add(c);
                    break;
                case "--at":
                    var t = Value();
                    if (t is null || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    {
                        error = $"--at needs an ISO 8601 time such as 2025-01-31T12:00:00Z (got '{t}')";
                        return null;
                    }

                    at = parsed;
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal) || (arg.StartsWith('-') && arg != "-"))
                    {
                        error = $"unknown option '{arg}'";
                        return null;
                    }

                    if (input is not null)
                    {
                        error = $"only one input is read (got '{input}' and '{arg}')";
                        return null;
                    }

                    input = arg;
                    break;
            }
        }

        if (input is null)
        {
            error = "inspect needs a file, or - for standard input";
            return null;
        }

        if (at is not null && anchors.Count == 0)
        {
            error = "--at sets the validation time for --anchors: give --anchors too";
            return null;
        }

        error = null;
        return new InspectArguments(input, format, chains, anchors, at, json);
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
