using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace TppGate.Cli.Tests;

/// <summary>What one in-process run of the command printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout parsed as exactly one JSON object.</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Stdout);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }
    }
}

internal static class CliRunner
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static CliRun Run(byte[]? stdin, params string[] args)
    {
        using var input = new MemoryStream(stdin ?? []);
        using var stdout = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        var code = CliApp.Run(args, input, stdout, stderr, new FakeTimeProvider(Now));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public static CliRun Run(params string[] args) => Run(null, args);
}
