namespace TppGate.Cli;

/// <summary>What a run of <c>tppgate</c> reads from and writes to: the process's streams, clock and environment, or a test's.</summary>
/// <param name="Stdin">Standard input (<c>inspect -</c>).</param>
/// <param name="Stdout">Results: a table, or one JSON document with <c>--json</c>.</param>
/// <param name="Stderr">Messages for people: errors, usage.</param>
/// <param name="Time">The clock for validity checks.</param>
/// <param name="Environment">Reads an environment variable (TPPGATE_ENDPOINT, TPPGATE_ADMIN_KEY, TPPGATE_ADMIN_SCOPE).</param>
public sealed record CliContext(Stream Stdin, TextWriter Stdout, TextWriter Stderr, TimeProvider Time, Func<string, string?> Environment)
{
    /// <summary>True when standard error is a terminal: long commands then show progress there.</summary>
    public bool StderrIsTerminal { get; init; }

    /// <summary>The process's own streams, clock and environment.</summary>
    public static CliContext ForProcess(Stream stdin) =>
        new(stdin, Console.Out, Console.Error, TimeProvider.System, System.Environment.GetEnvironmentVariable) { StderrIsTerminal = !Console.IsErrorRedirected };
}
