using System.Globalization;

namespace TppGate.Cli.TrustedLists;

/// <summary>The parsed command line of <c>tppgate anchors from-trusted-lists</c>.</summary>
/// <param name="Lotl">The LOTL file.</param>
/// <param name="LotlSigners">PEM files with the pinned LOTL signing certificates.</param>
/// <param name="Lists">National trusted-list files.</param>
/// <param name="Pivots">Pivot LOTL files, when the LOTL's signer rotated since the pinned certificates.</param>
/// <param name="At">The validation time, when given.</param>
/// <param name="Json">Write one JSON object.</param>
/// <param name="Out">Where to write the anchors as a PEM bundle, when given.</param>
/// <param name="NextUpdateGrace">How long past NextUpdate a list is still accepted.</param>
/// <param name="KeyVault">The anchors vault to write into, when given.</param>
public sealed record AnchorsFromTrustedListsArguments(
    string Lotl,
    IReadOnlyList<string> LotlSigners,
    IReadOnlyList<string> Lists,
    IReadOnlyList<string> Pivots,
    DateTimeOffset? At,
    bool Json,
    string? Out,
    TimeSpan NextUpdateGrace,
    Uri? KeyVault = null)
{
    /// <summary>The usage text of the command.</summary>
    public const string Usage = """
        usage: tppgate anchors from-trusted-lists --lotl <file> --lotl-signer <pem>... [--list <file>]...
                               [--pivot <file>]... [--at <ISO 8601 time>] [--next-update-grace <hh:mm:ss>]
                               [--json] [--out <pem>] [--key-vault <https URI>]

          --lotl               the EU List of the Lists (XML)
          --lotl-signer        PEM with the LOTL signing certificate(s) pinned from the Official Journal
          --list               a national trusted list the LOTL announces (XML); repeat for each
          --pivot              a pivot LOTL named in the LOTL's SchemeInformationURI, when the signer rotated
          --at                 validation time (default now)
          --next-update-grace  how long past NextUpdate a list is still accepted (default 0)
          --json               one JSON object on stdout: lotl, lists, anchors
          --out                write the anchors as a PEM bundle that TrustAnchors:Path accepts (only when the LOTL was accepted)
          --key-vault          write the anchors into this anchors vault as the timer function does (your Azure login;
                               Key Vault Secrets Officer); the vault's last sequence numbers guard against rollback

        exit codes: 0 the LOTL was accepted, 2 it was not (or an input was unreadable), 64 usage error
        """;

    /// <summary>Parses <paramref name="args"/> (after the command words); on failure returns null and a message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is null.</exception>
    public static AnchorsFromTrustedListsArguments? TryParse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? lotl = null, output = null;
        Uri? vault = null;
        var signers = new List<string>();
        var lists = new List<string>();
        var pivots = new List<string>();
        DateTimeOffset? at = null;
        var grace = TimeSpan.Zero;
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (arg)
            {
                case "--json":
                    json = true;
                    break;
                case "--lotl":
                    lotl = Value();
                    if (string.IsNullOrEmpty(lotl))
                    {
                        error = "--lotl needs a file";
                        return null;
                    }

                    break;
                case "--lotl-signer" or "--list" or "--pivot":
                    var file = Value();
                    if (string.IsNullOrEmpty(file))
                    {
                        error = $"{arg} needs a file";
                        return null;
                    }

                    (arg == "--lotl-signer" ? signers : arg == "--list" ? lists : pivots).Add(file);
                    break;
                case "--out":
                    output = Value();
                    if (string.IsNullOrEmpty(output))
                    {
                        error = "--out needs a file";
                        return null;
                    }

                    break;
                case "--key-vault":
                    var v = Value();
                    if (!Uri.TryCreate(v, UriKind.Absolute, out vault) || vault.Scheme != Uri.UriSchemeHttps)
                    {
                        error = $"--key-vault needs an https vault URI such as https://kv-anchors.vault.azure.net/ (got '{v}')";
                        return null;
                    }

                    break;
                case "--at":
                    var t = Value();
                    if (t is null || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    {
                        error = $"--at needs an ISO 8601 time such as 2019-09-05T00:00:00Z (got '{t}')";
                        return null;
                    }

                    at = parsed;
                    break;
                case "--next-update-grace":
                    var g = Value();
                    if (g is null || !TimeSpan.TryParse(g, CultureInfo.InvariantCulture, out grace) || grace < TimeSpan.Zero)
                    {
                        error = $"--next-update-grace needs a duration such as 1.00:00:00 (got '{g}')";
                        return null;
                    }

                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    return null;
            }
        }

        if (lotl is null || signers.Count == 0)
        {
            error = "--lotl and at least one --lotl-signer are required";
            return null;
        }

        error = null;
        return new AnchorsFromTrustedListsArguments(lotl, signers, lists, pivots, at, json, output, grace, vault);
    }
}
