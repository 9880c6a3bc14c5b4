using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using TppGate.Cli.Anchors;
using TppGate.Cli.Bindings;

namespace TppGate.Cli.CommandLine;

/// <summary>The command tree of <c>tppgate</c>. Each group builds its own subcommands; adding a command is one line in its group.</summary>
internal static class TppGateCommandLine
{
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand("tppgate: inspect forwarded certificates, manage certificate bindings and trust anchors of a TppGate deployment or local host.")
        {
            InspectCommand.Create(context),
            BindingsCommands.Create(context),
            AnchorsCommands.Create(context),
        };

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction generated)
            {
                help.Action = new SynopsisFirstHelpAction(generated);
            }
        }

        return root;
    }

    /// <summary>Writes the usage lines of the command asked about, then System.CommandLine's generated help.</summary>
    private sealed class SynopsisFirstHelpAction(HelpAction generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Synopsis.For(parseResult.CommandResult.Command));
            return generated.Invoke(parseResult);
        }
    }
}
