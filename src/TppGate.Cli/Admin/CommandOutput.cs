using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace TppGate.Cli.Admin;

/// <summary>
/// Writes a command's result: a table for people, or with <c>--json</c> one JSON document on stdout (the server's
/// body as it came, so fields added later pass through). Failures go to stderr, or to stdout as
/// <c>{"error":{...}}</c> with <c>--json</c>.
/// </summary>
internal sealed class CommandOutput(CliContext context, bool json, string command)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool IsJson => json;

    public int Fail(CommandFailure failure)
    {
        if (json)
        {
            var error = new JsonObject
            {
                ["code"] = failure.Code,
                ["message"] = failure.Message,
                ["status"] = failure.Status,
                ["traceId"] = failure.TraceId,
            };
            context.Stdout.WriteLine(new JsonObject { ["error"] = error }.ToJsonString(Indented));
        }
        else
        {
            var from = failure.Status is { } status
                ? $" (HTTP {status}{(failure.TraceId is { } trace ? ", trace id " + Safe(trace) : string.Empty)})"
                : string.Empty;
            context.Stderr.WriteLine($"tppgate {command}: {Safe(failure.Code)}: {Safe(failure.Message)}{from}");
        }

        return failure.ExitCode;
    }

    public int Json(JsonNode? node)
    {
        context.Stdout.WriteLine(node?.ToJsonString(Indented) ?? "null");
        return ExitCodes.Success;
    }

    public void Line(string text) => context.Stdout.WriteLine(text);

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(Cell).ToArray());
        }

        Write(table);
    }

    public void Properties(IEnumerable<(string Name, string? Value)> properties)
    {
        var table = new Table().Border(TableBorder.None).HideHeaders();
        table.AddColumn(new TableColumn(new Text(string.Empty)));
        table.AddColumn(new TableColumn(new Text(string.Empty)));
        foreach (var (name, value) in properties)
        {
            table.AddRow(new Text(name + ":"), Cell(value));
        }

        Write(table);
    }

    /// <summary>Text from a server or a certificate, shown without any control character (no terminal escapes).</summary>
    public static string Safe(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.ToString();
    }

    /// <summary>An ISO 8601 time from the server as UTC to the second, or the text as it came when it is not one.</summary>
    public static string? Time(string? value)
        => value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : value;

    private static IRenderable Cell(string? value) => new Text(string.IsNullOrEmpty(value) ? "-" : Safe(value));

    /// <summary>Renders without colour, then drops the padding Spectre adds to the right and the blank border rows.</summary>
    private void Write(IRenderable renderable)
    {
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });

        // Redirected output has no width; a wide one keeps thumbprints and subjects on one line.
        console.Profile.Width = 400;
        console.Write(renderable);
        foreach (var line in buffer.ToString().Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (trimmed.Length > 0)
            {
                context.Stdout.WriteLine(trimmed);
            }
        }
    }
}
