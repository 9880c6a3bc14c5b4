using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using TppGate.Cli.Admin;
using TppGate.Cli.CommandLine;
using TppGate.Core.Certificates;

namespace TppGate.Cli.Bindings;

/// <summary><c>tppgate bindings register|list|get|revoke|audit|expiring|update</c>: the admin API from the command line.</summary>
internal static class BindingsCommands
{
    /// <summary>The admin API's longest note or reason (AdminHandlers.MaxTextLength); longer ones are refused here first.</summary>
    private const int MaxTextLength = 1024;

    public static Command Create(CliContext context) => new("bindings", "Register, list, revoke and audit certificate-to-client_id bindings through the admin API.")
    {
        Register(context),
        List(context),
        Get(context),
        Revoke(context),
        Audit(context),
        Expiring(context),
        Update(context),
    };

    private static Command Register(CliContext context)
    {
        var clientId = ClientIdOption();
        var certificate = new Option<string>("--certificate") { Description = "the TPP's certificate: a file in any format inspect reads (PEM, DER, base64, RFC 9440, XFCC, ...), or - for stdin", HelpName = "file", Required = true };
        var format = CommandLineValues.FormatOption("how the certificate file is written (default auto)");
        var anchors = new Option<string[]>("--anchors") { Description = "check the chain here against these trust anchors, as the server will (PEM or DER)", HelpName = "file" };
        var (activeFrom, activeUntil, note) = WindowOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "show what would be bound and check it; send nothing" };
        var admin = new AdminOptions();
        var command = new Command("register", "Bind a TPP certificate to a client_id; shows what will be bound and refuses locally what the server would refuse.")
        {
            clientId, certificate, format, anchors, activeFrom, activeUntil, note, dryRun,
        };
        admin.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings register");
            var id = parse.GetRequiredValue(clientId);
            if ((RefuseClientId(id) ?? RefuseWindow(parse.GetValue(activeFrom), parse.GetValue(activeUntil)) ?? RefuseText("--note", parse.GetValue(note))) is { } bad)
            {
                return output.Fail(bad);
            }

            var preview = RegistrationCheck.Check(parse.GetRequiredValue(certificate), InspectArguments.ParseFormat(parse.GetValue(format)), parse.GetValue(anchors) ?? [], context, out var refused);
            if (preview is null)
            {
                return output.Fail(refused!);
            }

            var dry = parse.GetValue(dryRun);
            if (output.IsJson && dry)
            {
                return output.Json(BindingViews.PreviewJson(id, preview, parse.GetValue(activeFrom), parse.GetValue(activeUntil)));
            }

            if (!output.IsJson)
            {
                output.Line(dry ? $"Would bind to client_id {CommandOutput.Safe(id)}:" : $"Binding to client_id {CommandOutput.Safe(id)}:");
                output.Properties(BindingViews.PreviewRows(preview, parse.GetValue(activeFrom), parse.GetValue(activeUntil)));
            }

            if (dry)
            {
                return ExitCodes.Success;
            }

            var body = new JsonObject { ["clientId"] = id, ["certificate"] = preview.CertificateBase64 };
            AddIfGiven(body, "activeFrom", parse.GetValue(activeFrom));
            AddIfGiven(body, "activeUntil", parse.GetValue(activeUntil));
            AddIfGiven(body, "note", parse.GetValue(note));
            return await CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Post, "api/bindings", body, ct), answer =>
            {
                output.Line(answer.Status == 201 ? "Registered." : "Already bound to this client_id; nothing changed.");
                output.Properties(BindingViews.Rows(answer.Body));
            });
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var clientId = ClientIdOption();
        var admin = new AdminOptions();
        var command = new Command("list", "The bindings of a client_id.") { clientId };
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings list");
            var id = parse.GetRequiredValue(clientId);
            return RefuseClientId(id) is { } bad
                ? Task.FromResult(output.Fail(bad))
                : CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Get, $"api/bindings/{Uri.EscapeDataString(id)}", null, ct), answer => BindingViews.Table(output, answer.Body["bindings"]));
        });
        return command;
    }

    private static Command Get(CliContext context)
    {
        var thumbprint = ThumbprintOption();
        var admin = new AdminOptions();
        var command = new Command("get", "The binding of a certificate, by its SHA-256 thumbprint (hex or x5t#S256).") { thumbprint };
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings get");
            return ParseThumbprint(parse.GetRequiredValue(thumbprint), out var x5t) is { } bad
                ? Task.FromResult(output.Fail(bad))
                : CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Get, $"api/certificates/{x5t}", null, ct), answer => output.Properties(BindingViews.Rows(answer.Body)));
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var clientId = ClientIdOption();
        var thumbprint = ThumbprintOption();
        var reason = new Option<string>("--reason") { Description = "why, for the audit trail (1 to 1024 characters)", HelpName = "text", Required = true };
        var admin = new AdminOptions();
        var command = new Command("revoke", "Revoke a binding; the certificate can never be bound again.") { clientId, thumbprint, reason };
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings revoke");
            var id = parse.GetRequiredValue(clientId);
            var why = parse.GetRequiredValue(reason);
            var badThumbprint = ParseThumbprint(parse.GetRequiredValue(thumbprint), out var x5t);
            if ((RefuseClientId(id) ?? badThumbprint ?? RefuseText("--reason", why) ?? (string.IsNullOrWhiteSpace(why) ? CommandFailure.BadInput("REASON_INVALID", "--reason is empty") : null)) is { } bad)
            {
                return Task.FromResult(output.Fail(bad));
            }

            return CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Post, $"api/bindings/{Uri.EscapeDataString(id)}/{x5t}/revoke", new JsonObject { ["reason"] = why }, ct), answer =>
            {
                output.Line("Revoked.");
                output.Properties(BindingViews.Rows(answer.Body));
            });
        });
        return command;
    }

    private static Command Audit(CliContext context)
    {
        var clientId = ClientIdOption();
        var admin = new AdminOptions();
        var command = new Command("audit", "The audit trail of a client_id, oldest first.") { clientId };
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings audit");
            var id = parse.GetRequiredValue(clientId);
            return RefuseClientId(id) is { } bad
                ? Task.FromResult(output.Fail(bad))
                : CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Get, $"api/bindings/{Uri.EscapeDataString(id)}/audit", null, ct), answer => output.Table(
                    ["AT", "ACTION", "ACTOR", "THUMBPRINT (x5t#S256)", "REASON"],
                    BindingViews.AuditRows(answer.Body["records"])));
        });
        return command;
    }

    private static Command Expiring(CliContext context)
    {
        var days = new Option<int>("--days") { Description = "bindings whose certificate expires within this many days (0 to 3650)", HelpName = "n", Required = true, CustomParser = CommandLineValues.WholeNumber(0, 3650) };
        var admin = new AdminOptions();
        var command = new Command("expiring", "Active bindings whose certificate expires soon.") { days };
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings expiring");
            var n = parse.GetValue(days).ToString(CultureInfo.InvariantCulture);
            return CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Get, $"api/bindings?expiringWithinDays={n}", null, ct), answer => BindingViews.Table(output, answer.Body["bindings"]));
        });
        return command;
    }

    /// <summary>
    /// PATCH /api/bindings/{clientId}/{thumbprint} with the fields given: the audited change of a binding's activation
    /// window or note. A field not given is not sent (the server keeps it); <c>--clear FIELD</c> sends it as null
    /// (the server removes it), decision 0014.
    /// </summary>
    private static Command Update(CliContext context)
    {
        var clientId = ClientIdOption();
        var thumbprint = ThumbprintOption();
        var (activeFrom, activeUntil, note) = WindowOptions();
        var clear = new Option<string[]>("--clear") { Description = "remove a setting (sent as null): active-from, active-until or note; repeatable", HelpName = "field" };
        clear.AcceptOnlyFromAmong("active-from", "active-until", "note");
        var admin = new AdminOptions();
        var command = new Command("update", "Change a binding's activation window or note (fields not given are kept; --clear removes one).") { clientId, thumbprint, activeFrom, activeUntil, note, clear };
        command.Validators.Add(r =>
        {
            var cleared = r.GetValue(clear) ?? [];
            if (r.GetResult(activeFrom) is null && r.GetResult(activeUntil) is null && r.GetResult(note) is null && cleared.Length == 0)
            {
                r.AddError("give at least one of --active-from, --active-until, --note, --clear");
            }

            foreach (var (field, option) in new[] { ("active-from", (Option)activeFrom), ("active-until", activeUntil), ("note", note) })
            {
                if (cleared.Contains(field) && r.GetResult(option) is not null)
                {
                    r.AddError($"--clear {field} and --{field} contradict each other");
                }
            }
        });
        admin.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(admin.Json), "bindings update");
            var id = parse.GetRequiredValue(clientId);
            var badThumbprint = ParseThumbprint(parse.GetRequiredValue(thumbprint), out var x5t);
            if ((RefuseClientId(id) ?? badThumbprint ?? RefuseWindow(parse.GetValue(activeFrom), parse.GetValue(activeUntil)) ?? RefuseText("--note", parse.GetValue(note))) is { } bad)
            {
                return Task.FromResult(output.Fail(bad));
            }

            var body = new JsonObject();
            AddIfGiven(body, "activeFrom", parse.GetValue(activeFrom));
            AddIfGiven(body, "activeUntil", parse.GetValue(activeUntil));
            AddIfGiven(body, "note", parse.GetValue(note));
            foreach (var field in parse.GetValue(clear) ?? [])
            {
                // JSON null, not an absent field: the server tells the two apart.
                body[field == "active-from" ? "activeFrom" : field == "active-until" ? "activeUntil" : "note"] = null;
            }

            return CallAsync(admin, parse, context, output, client => client.SendAsync(HttpMethod.Patch, $"api/bindings/{Uri.EscapeDataString(id)}/{x5t}", body, ct), answer =>
            {
                output.Line("Updated.");
                output.Properties(BindingViews.Rows(answer.Body));
            });
        });
        return command;
    }

    /// <summary>Resolves the target, makes the call and writes the answer (a table, or the server's JSON with --json).</summary>
    private static async Task<int> CallAsync(
        AdminOptions admin,
        ParseResult parse,
        CliContext context,
        CommandOutput output,
        Func<AdminClient, Task<(AdminAnswer? Answer, CommandFailure? Failure)>> call,
        Action<AdminAnswer> table)
    {
        var target = admin.Resolve(parse, context, out var failure);
        if (target is null)
        {
            return output.Fail(failure!);
        }

        using var client = new AdminClient(target);
        var (answer, refused) = await call(client);
        if (answer is null)
        {
            return output.Fail(refused!);
        }

        if (output.IsJson)
        {
            return output.Json(answer.Body);
        }

        table(answer);
        return ExitCodes.Success;
    }

    private static Option<string> ClientIdOption() => new("--client-id") { Description = "the OAuth client_id", HelpName = "id", Required = true };

    private static Option<string> ThumbprintOption() => new("--thumbprint") { Description = "the certificate's SHA-256: 64 hex digits or x5t#S256 (base64url)", HelpName = "sha256", Required = true };

    private static (Option<DateTimeOffset?> From, Option<DateTimeOffset?> Until, Option<string> Note) WindowOptions() => (
        new Option<DateTimeOffset?>("--active-from") { Description = "the binding is used from this time (ISO 8601; default: at once)", HelpName = "time", CustomParser = CommandLineValues.ParseTime },
        new Option<DateTimeOffset?>("--active-until") { Description = "the binding is used until this time (ISO 8601; default: while the certificate is valid)", HelpName = "time", CustomParser = CommandLineValues.ParseTime },
        new Option<string>("--note") { Description = "a note for the audit trail (up to 1024 characters)", HelpName = "text" });

    private static CommandFailure? RefuseClientId(string clientId)
        => string.IsNullOrWhiteSpace(clientId) || clientId.Any(char.IsControl) || clientId.Contains('%', StringComparison.Ordinal)
            ? CommandFailure.BadInput("CLIENT_ID_INVALID", "a client_id is not blank and holds no control characters and no '%' (the admin API refuses them)")
            : null;

    private static CommandFailure? RefuseWindow(DateTimeOffset? from, DateTimeOffset? until)
        => from is { } f && until is { } u && u <= f
            ? CommandFailure.BadInput("ACTIVATION_WINDOW_INVALID", "--active-until must be after --active-from")
            : null;

    private static CommandFailure? RefuseText(string option, string? text)
        => text is { Length: > MaxTextLength } ? CommandFailure.BadInput("TEXT_TOO_LONG", $"{option} is longer than {MaxTextLength} characters") : null;

    private static CommandFailure? ParseThumbprint(string value, out string x5t)
    {
        if (Thumbprint.TryParseSha256(value.Trim(), out var hex))
        {
            x5t = Thumbprint.HexToX5tS256(hex);
            return null;
        }

        x5t = string.Empty;
        return CommandFailure.BadInput("THUMBPRINT_INVALID", $"'{CommandOutput.Safe(value)}' is not a SHA-256 thumbprint (64 hex digits or 43 base64url characters)");
    }

    private static void AddIfGiven(JsonObject body, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            body[name] = v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        }
    }

    private static void AddIfGiven(JsonObject body, string name, string? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }
}
