using System.CommandLine;
using TppGate.Cli.TrustedLists;

namespace TppGate.Cli.Anchors;

/// <summary>
/// <c>tppgate anchors from-trusted-lists</c> on the parser: the options are declared here for help and shape, and the
/// values go unchanged to <see cref="AnchorsFromTrustedListsCommand"/>, whose own checks (files, times, vault URI)
/// decide and whose exit codes the command keeps (decision 0012).
/// </summary>
internal static class AnchorsFromTrustedListsCliCommand
{
    public static Command Create(CliContext context)
    {
        var lotl = new Option<string>("--lotl") { Description = "the EU List of the Lists (XML)", HelpName = "file", Required = true };
        var signers = new Option<string[]>("--lotl-signer") { Description = "PEM with the LOTL signing certificate(s) pinned from the Official Journal; repeat for each", HelpName = "pem", Required = true, AllowMultipleArgumentsPerToken = false };
        var lists = new Option<string[]>("--list") { Description = "a national trusted list the LOTL announces (XML); repeat for each", HelpName = "file" };
        var pivots = new Option<string[]>("--pivot") { Description = "a pivot LOTL named in the LOTL's SchemeInformationURI, when the signer rotated", HelpName = "file" };
        var at = new Option<string>("--at") { Description = "validation time, ISO 8601 (default now)", HelpName = "time" };
        var grace = new Option<string>("--next-update-grace") { Description = "how long past NextUpdate a list is still accepted (default 0)", HelpName = "hh:mm:ss" };
        var output = new Option<string>("--out") { Description = "write the anchors as a PEM bundle that TrustAnchors:Path accepts", HelpName = "pem" };
        var vault = new Option<string>("--key-vault") { Description = "write the anchors into this anchors vault as the timer function does (Key Vault Secrets Officer)", HelpName = "https URI" };
        var json = new Option<bool>("--json") { Description = "one JSON object on stdout: lotl, lists, anchors" };
        var command = new Command("from-trusted-lists", "QWAC trust anchors from the EU trusted lists, every signature verified (exit 0 when the LOTL was accepted, 2 when not).")
        {
            lotl, signers, lists, pivots, at, grace, output, vault, json,
        };
        command.SetAction(parse =>
        {
            var args = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    args.Add(name);
                    args.Add(value);
                }
            }

            Add(lotl.Name, parse.GetValue(lotl));
            foreach (var (option, values) in new[] { (signers, parse.GetValue(signers)), (lists, parse.GetValue(lists)), (pivots, parse.GetValue(pivots)) })
            {
                foreach (var value in values ?? [])
                {
                    Add(option.Name, value);
                }
            }

            Add(at.Name, parse.GetValue(at));
            Add(grace.Name, parse.GetValue(grace));
            Add(output.Name, parse.GetValue(output));
            Add(vault.Name, parse.GetValue(vault));
            if (parse.GetValue(json))
            {
                args.Add(json.Name);
            }

            return AnchorsFromTrustedListsCommand.Run(args, context.Stdout, context.Stderr, context.Time, context.StderrIsTerminal ? context.Stderr : null);
        });
        return command;
    }
}
