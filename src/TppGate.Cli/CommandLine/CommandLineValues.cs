using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TppGate.Core.Certificates;

namespace TppGate.Cli.CommandLine;

/// <summary>Option shapes and value parsers shared by every command.</summary>
internal static class CommandLineValues
{
    /// <summary><c>--json</c>: one JSON document on stdout instead of a table or text.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "one JSON document on stdout (for scripts)" };

    /// <summary>
    /// <c>--format</c>: how a certificate file is written, by the names inspect prints, in any case (as the hand-written
    /// parser accepted them).
    /// </summary>
    public static Option<string> FormatOption(string description) => new("--format")
    {
        Description = description,
        HelpName = string.Join('|', Enum.GetValues<CertificateSourceFormat>().Select(InspectArguments.FormatName)),
        DefaultValueFactory = _ => "auto",
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "auto";
            var known = Enum.GetValues<CertificateSourceFormat>().Select(InspectArguments.FormatName).FirstOrDefault(n => string.Equals(n, token, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                result.AddError($"--format needs one of {string.Join(", ", Enum.GetValues<CertificateSourceFormat>().Select(InspectArguments.FormatName))} (got '{token}')");
                return "auto";
            }

            return known;
        },
    };

    /// <summary>An ISO 8601 time; one without an offset is UTC.</summary>
    public static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (token is not null && DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        result.AddError($"{OptionName(result)} needs an ISO 8601 time such as 2025-01-31T12:00:00Z (got '{token}')");
        return null;
    }

    /// <summary>A parser for a whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="absent"/> when no value is given.</summary>
    public static Func<ArgumentResult, int> WholeNumber(int min, int max, int absent = 0) => result =>
    {
        if (result.Tokens.Count == 0)
        {
            return absent;
        }

        var token = result.Tokens[0].Value;
        if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{OptionName(result)} is a whole number from {min} to {max} (got '{token}')");
        return absent;
    };

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult o ? o.Option.Name : "the value";
}
