using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace TppGate.Cli.CommandLine;

/// <summary>
/// One line per runnable command ("usage: tppgate inspect &lt;file|-&gt; [--json]"), written from the command tree,
/// for usage errors and above the generated help.
/// </summary>
internal static class Synopsis
{
    /// <summary>The usage lines of <paramref name="command"/> and every runnable command under it.</summary>
    public static string For(Command command)
    {
        var lines = Leaves(command).Select(Line).ToList();
        var text = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            text.Append(i == 0 ? "usage: " : "       ").AppendLine(lines[i]);
        }

        return text.ToString();
    }

    private static IEnumerable<Command> Leaves(Command command)
    {
        if (command.Action is not null || command.Subcommands.Count == 0)
        {
            yield return command;
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var leaf in Leaves(sub))
            {
                yield return leaf;
            }
        }
    }

    private static string Line(Command command)
    {
        var words = new List<string>();
        for (Symbol? s = command; s is not null; s = s.Parents.FirstOrDefault())
        {
            words.Insert(0, s is RootCommand ? "tppgate" : s.Name);
        }

        words.AddRange(command.Arguments.Select(a => $"<{a.Name}>"));
        var connection = false;
        foreach (var option in command.Options)
        {
            if (option is HelpOption || option is VersionOption || option.Hidden)
            {
                continue;
            }

            if (Admin.AdminOptions.ConnectionOptionNames.Contains(option.Name))
            {
                // Shared by every admin command; --help lists them.
                if (!connection)
                {
                    words.Add("[connection options]");
                    connection = true;
                }

                continue;
            }

            var value = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} <{option.HelpName ?? option.Name.TrimStart('-')}>";
            var many = option.ValueType.IsArray ? "..." : string.Empty;
            words.Add(option.Required ? value + many : $"[{value}]{many}");
        }

        return string.Join(' ', words);
    }
}
