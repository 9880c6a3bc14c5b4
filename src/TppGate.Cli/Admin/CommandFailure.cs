namespace TppGate.Cli.Admin;

/// <summary>Why a command did not do its job: the exit code, a stable code and, from a server, its status and trace id.</summary>
internal sealed record CommandFailure(int ExitCode, string Code, string Message, int? Status = null, string? TraceId = null)
{
    public static CommandFailure BadInput(string code, string message) => new(ExitCodes.Unreadable, code, message);

    public static CommandFailure Unavailable(string code, string message) => new(ExitCodes.Unavailable, code, message);
}
