using System.Text.Json;

namespace TppGate.Cli;

/// <summary>The <c>tppgate</c> command line: dispatches to a command. Testable in-process.</summary>
public static class CliApp
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: tppgate inspect <file|-> [--format auto|der|base64|pem|urlpem|rfc9440|xfcc]
                               [--chain <file>]... [--anchors <file>]... [--at <ISO 8601 time>] [--json]

          <file|->   a certificate or a forwarded header value (X-ARR-ClientCert, Client-Cert, XFCC, ...); - reads stdin
          --format   how the value is written (default auto: detected from its shape)
          --chain    forwarded chain certificates: an RFC 9440 Client-Cert-Chain value, PEM, or (concatenated) base64/DER
          --anchors  trust anchors (PEM with one or more certificates, or DER); validates the chain against them only
          --at       validation time for --anchors (default now)
          --json     one JSON object on stdout

        exit codes: 0 a certificate was read (trusted or not), 2 unreadable input, 64 usage error

        """ + TrustedLists.AnchorsFromTrustedListsArguments.Usage;

    /// <summary>Runs the command line <paramref name="args"/> and returns the process exit code. Never throws for bad input.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <param name="args">The command line.</param>
    /// <param name="stdin">Standard input.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="stderrIsTerminal">True when standard error is a terminal: long commands then show progress there.</param>
    public static int Run(IReadOnlyList<string> args, Stream stdin, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, bool stderrIsTerminal = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Count == 0)
        {
            stderr.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        switch (args[0])
        {
            case "inspect" or "anchors":
                try
                {
                    return args[0] == "inspect"
                        ? InspectCommand.Run(args.Skip(1).ToArray(), stdin, stdout, stderr, timeProvider)
                        : RunAnchors(args, stdout, stderr, timeProvider, stderrIsTerminal);
                }
#pragma warning disable CA1031 // The last line of defence of a command-line tool: a message, never a stack trace.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    var message = $"internal error ({ex.GetType().Name}): {ex.Message}";
                    if (args.Contains("--json"))
                    {
                        stdout.WriteLine(JsonSerializer.Serialize(new ErrorReport(new ErrorBody("INTERNAL_ERROR", message)), InspectJsonContext.Default.ErrorReport));
                    }
                    else
                    {
                        stderr.WriteLine($"tppgate: {message}");
                    }

                    return ExitCodes.InternalError;
                }

            case "-h" or "--help" or "help":
                stdout.WriteLine(Usage);
                return ExitCodes.Success;
            default:
                stderr.WriteLine($"tppgate: unknown command '{args[0]}'");
                stderr.WriteLine(Usage);
                return ExitCodes.Usage;
        }
    }

    private static int RunAnchors(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, bool stderrIsTerminal)
    {
        if (args.Count < 2 || args[1] != "from-trusted-lists")
        {
            stderr.WriteLine("tppgate anchors: the only subcommand is from-trusted-lists");
            stderr.WriteLine(TrustedLists.AnchorsFromTrustedListsArguments.Usage);
            return ExitCodes.Usage;
        }

        return TrustedLists.AnchorsFromTrustedListsCommand.Run(args.Skip(2).ToArray(), stdout, stderr, timeProvider, stderrIsTerminal ? stderr : null);
    }
}
