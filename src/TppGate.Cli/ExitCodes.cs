namespace TppGate.Cli;

/// <summary>Process exit codes of <c>tppgate</c> (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>The command did its job (for inspect: a certificate was read, trusted or not).</summary>
    public const int Success = 0;

    /// <summary>The server refused the request (4xx other than 401); its problem code and trace id are printed.</summary>
    public const int Refused = 1;

    /// <summary>
    /// Bad input: a file that is not a usable certificate, a certificate the server would refuse, a thumbprint that
    /// is not SHA-256, connection settings that do not fit together. Nothing was sent to a server.
    /// </summary>
    public const int Unreadable = 2;

    /// <summary>Cannot reach or authenticate: connection, TLS or token failure, 401, or a 5xx from the server.</summary>
    public const int Unavailable = 3;

    /// <summary>The command line is wrong: unknown command or option, missing or malformed value (sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>A defect in tppgate itself (sysexits EX_SOFTWARE); the message names it, without a stack trace.</summary>
    public const int InternalError = 70;
}
