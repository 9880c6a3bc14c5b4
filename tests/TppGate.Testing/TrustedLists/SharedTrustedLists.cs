using System.Text.Json;
using Xunit;

namespace TppGate.Testing.TrustedLists;

/// <summary>
/// The real EU trusted lists beside the checkout (<c>../shared/trusted-lists</c>, or where
/// <c>TPPGATE_TRUSTED_LISTS_DIR</c> points), read in place and never copied into the repository. A missing folder
/// fails the test, except on a GitHub runner, which has no copy: there the test says it was skipped.
/// </summary>
public static class SharedTrustedLists
{
    /// <summary>The validation time the 2019 snapshots are current at (README.md of the folder).</summary>
    public static readonly DateTimeOffset ValidationTime = new(2019, 9, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The four national lists the shared LOTL announces.</summary>
    public static readonly string[] NationalLists = ["PT.xml", "NO.xml", "BG.xml", "MT.xml"];

    /// <summary>The folder; fails (or skips on GitHub) when it is absent.</summary>
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("TPPGATE_TRUSTED_LISTS_DIR");
            var folder = !string.IsNullOrWhiteSpace(configured) ? configured : Beside();
            if (folder is not null && File.Exists(Path.Combine(folder, "expected.json")))
            {
                return folder;
            }

            if (Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true")
            {
                Assert.Skip($"no trusted lists at {folder ?? "../shared/trusted-lists"} on this GitHub runner");
            }

            throw new InvalidOperationException(
                $"the shared trusted lists are required and were not found at {folder ?? "../shared/trusted-lists"} (set TPPGATE_TRUSTED_LISTS_DIR)");
        }
    }

    /// <summary>The full path of a file in the folder; the file must exist.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(Directory, name);
        Assert.True(File.Exists(path), $"trusted-list file missing: {path}");
        return path;
    }

    /// <summary>The bytes of a file in the folder.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>expected.json, parsed.</summary>
    public static JsonElement Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf("expected.json")));
        return document.RootElement.Clone();
    }

    /// <summary>The entry of expected.json for one file.</summary>
    public static JsonElement ExpectedFile(string name)
        => Expected().GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == name);

    /// <summary>The LOTL's signing certificate, as the signature's own KeyInfo carries it (the one to pin).</summary>
    public static byte[] LotlSigner()
    {
        var text = File.ReadAllText(PathOf("eu-lotl.xml"));
        var keyInfo = text.IndexOf("<ds:KeyInfo", StringComparison.Ordinal);
        var start = text.IndexOf("<ds:X509Certificate>", keyInfo, StringComparison.Ordinal) + "<ds:X509Certificate>".Length;
        var end = text.IndexOf("</ds:X509Certificate>", start, StringComparison.Ordinal);
        return Convert.FromBase64String(text[start..end]);
    }

    private static string? Beside()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TppGate.slnf")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "trusted-lists"));
            }
        }

        return null;
    }
}
