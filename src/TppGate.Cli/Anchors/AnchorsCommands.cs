using System.CommandLine;

namespace TppGate.Cli.Anchors;

/// <summary><c>tppgate anchors ...</c>: the trust anchors a deployment or the local host loads.</summary>
internal static class AnchorsCommands
{
    public static Command Create(CliContext context) => new("anchors", "The QTSP trust anchors a deployment or the local host loads.")
    {
        AnchorsListCommand.Create(context),
        AnchorsFromTrustedListsCliCommand.Create(context),
    };
}
