using System.Text;
using System.Text.Json;

namespace TppGate.Conformance.Tests;

/// <summary>
/// The third-party corpus beside the checkout (<c>../shared/conformance</c>), or where
/// <c>TPPGATE_CONFORMANCE_DIR</c> points. It is read in place, never copied into the repository.
/// A missing corpus fails every test: a conformance run that checks nothing must not pass.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static string PathOf(string relative)
    {
        var path = Path.Combine(Directory, relative);
        Assert.True(File.Exists(path), $"corpus file missing: {path}");
        return path;
    }

    /// <summary>Runs <c>tppgate inspect &lt;corpus file&gt; --json ...</c> in-process.</summary>
    public static Run Inspect(string relative, params string[] extra)
    {
        string[] args = ["inspect", PathOf(relative), "--json", .. extra.Select(a => a.StartsWith("corpus:", StringComparison.Ordinal) ? PathOf(a["corpus:".Length..]) : a)];
        using var stdin = new MemoryStream();
        using var stdout = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        var code = TppGate.Cli.CliApp.Run(args, stdin, stdout, stderr, TimeProvider.System);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("TPPGATE_CONFORMANCE_DIR");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return System.IO.Directory.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"TPPGATE_CONFORMANCE_DIR={configured} does not exist: the conformance corpus is required.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TppGate.slnf")))
            {
                var beside = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
                return System.IO.Directory.Exists(beside)
                    ? beside
                    : throw new InvalidOperationException($"conformance corpus not found at {beside}; set TPPGATE_CONFORMANCE_DIR.");
            }
        }

        throw new InvalidOperationException("repository root (TppGate.slnf) not found above the test binaries; set TPPGATE_CONFORMANCE_DIR.");
    }
}

/// <summary>What one run printed and returned.</summary>
internal sealed record Run(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The report of a successful read.</summary>
    public JsonElement Report
    {
        get
        {
            Assert.True(ExitCode == 0, $"exit {ExitCode}: {Stdout}{Stderr}");
            return Json;
        }
    }

    public string ErrorCode
    {
        get
        {
            Assert.True(ExitCode == 2, $"expected exit 2, got {ExitCode}: {Stdout}{Stderr}");
            return Json.GetProperty("error").GetProperty("code").GetString()!;
        }
    }
}

internal static class JsonExtensions
{
    public static string? Str(this JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            e = e.GetProperty(p);
        }

        return e.ValueKind == JsonValueKind.Null ? null : e.GetString();
    }

    public static IReadOnlyList<string> Strings(this JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            e = e.GetProperty(p);
        }

        return [.. e.EnumerateArray().Select(x => x.GetString()!)];
    }

    public static IReadOnlyList<string> FindingCodes(this JsonElement report)
        => [.. report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];
}
