namespace TppGate.Cli;

/// <summary>Process exit codes of <c>tppgate</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did its job (for inspect: a certificate was read, trusted or not).</summary>
    public const int Success = 0;

    /// <summary>The input could not be read as a certificate (or anchors could not be read).</summary>
    public const int Unreadable = 2;

    /// <summary>The command line is wrong (sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>A defect in tppgate itself (sysexits EX_SOFTWARE); the message names it, without a stack trace.</summary>
    public const int InternalError = 70;
}
