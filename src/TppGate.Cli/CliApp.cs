using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text.Json;
using TppGate.Cli.CommandLine;

namespace TppGate.Cli;

/// <summary>The <c>tppgate</c> command line, on System.CommandLine. Testable in-process.</summary>
public static class CliApp
{
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
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return RunAsync(args, new CliContext(stdin, stdout, stderr, timeProvider, Environment.GetEnvironmentVariable) { StderrIsTerminal = stderrIsTerminal }).GetAwaiter().GetResult();
    }

    /// <summary>Runs the command line <paramref name="args"/> in <paramref name="context"/> and returns the process exit code.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            // No response files: "@cert.pem" is a file name, as it always was, not a list of arguments to splice in.
            var parse = TppGateCommandLine.Create(context).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Action is ParseErrorAction)
            {
                foreach (var error in parse.Errors)
                {
                    await context.Stderr.WriteLineAsync($"tppgate: {error.Message}");
                }

                await context.Stderr.WriteAsync(Synopsis.For(parse.CommandResult.Command));
                return ExitCodes.Usage;
            }

            var invocation = new InvocationConfiguration { Output = context.Stdout, Error = context.Stderr, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Stderr.WriteLineAsync("tppgate: cancelled");
            return ExitCodes.Unavailable;
        }
#pragma warning disable CA1031 // The last line of defence of a command-line tool: a message, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var message = $"internal error ({ex.GetType().Name}): {ex.Message}";
            if (args.Contains("--json"))
            {
                await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(new ErrorReport(new ErrorBody("INTERNAL_ERROR", message)), InspectJsonContext.Default.ErrorReport));
            }
            else
            {
                await context.Stderr.WriteLineAsync($"tppgate: {message}");
            }

            return ExitCodes.InternalError;
        }
    }
}
