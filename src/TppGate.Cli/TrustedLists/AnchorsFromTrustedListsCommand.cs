using System.Text.Json;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using TppGate.Azure.KeyVault;
using TppGate.Azure.TrustedLists;
using TppGate.Core.Trust;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Cli.TrustedLists;

/// <summary>
/// <c>tppgate anchors from-trusted-lists</c>: verifies the EU LOTL against pinned certificates and the national lists
/// against the certificates the LOTL announces, and prints or writes the QWAC anchors they give (decision 0012).
/// The argument parser only calls <c>Run</c>.
/// </summary>
public static class AnchorsFromTrustedListsCommand
{
    private const int MaxSignerFileBytes = 1024 * 1024;
    private const int MaxSigners = 64;

    /// <summary>Runs the command with <paramref name="args"/> (after <c>anchors from-trusted-lists</c>) and returns the exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">The report.</param>
    /// <param name="stderr">Errors, and the text report's refusals.</param>
    /// <param name="timeProvider">The clock when <c>--at</c> is not given.</param>
    /// <param name="progress">Where to show progress (a terminal), or null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="progress"/> is null.</exception>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, TextWriter? progress = null)
        => Run(args, stdout, stderr, timeProvider, progress, vaultClient: null);

    /// <summary>Runs the command; <paramref name="vaultClient"/> builds the Key Vault client for <c>--key-vault</c> (tests point it at a local double).</summary>
    internal static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, TextWriter? progress, Func<Uri, SecretClient>? vaultClient)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var parsed = AnchorsFromTrustedListsArguments.TryParse(args, out var usageError);
        if (parsed is null)
        {
            stderr.WriteLine($"tppgate anchors from-trusted-lists: {usageError}");
            stderr.WriteLine(AnchorsFromTrustedListsArguments.Usage);
            return ExitCodes.Usage;
        }

        var options = new TrustedListImportOptions { NextUpdateGrace = parsed.NextUpdateGrace };
        var pinned = new List<byte[]>();
        foreach (var file in parsed.LotlSigners)
        {
            if (!TryReadFile(file, MaxSignerFileBytes, out var bytes, out var error))
            {
                return Error(parsed.Json, stdout, stderr, "FILE_UNREADABLE", $"--lotl-signer {error}");
            }

            var certificates = CertificateFiles.ReadMany(bytes, MaxSigners);
            if (!certificates.Succeeded)
            {
                return Error(parsed.Json, stdout, stderr, "INVALID_LOTL_SIGNER", $"--lotl-signer {file}: {certificates.Message}");
            }

            foreach (var c in certificates.Certificates)
            {
                pinned.Add(c.RawData);
                c.Dispose();
            }
        }

        progress?.WriteLine($"reading {parsed.Lotl}, {parsed.Pivots.Count} pivot(s) and {parsed.Lists.Count} list(s)");
        var lotl = Source(parsed.Lotl, options.MaxListBytes);
        var pivots = parsed.Pivots.Select(p => Source(p, options.MaxListBytes)).ToList();
        var lists = parsed.Lists.Select(l => Source(l, options.MaxListBytes)).ToList();
        var now = parsed.At ?? timeProvider.GetUtcNow();
        progress?.WriteLine($"verifying signatures at {now:O}");
        var importer = new TrustedListImporter(options);
        TrustedListImport import;
        if (parsed.KeyVault is { } vaultUri)
        {
            progress?.WriteLine($"reading and writing {vaultUri}");
            var anchorOptions = new KeyVaultTrustAnchorOptions { VaultUri = vaultUri };
            var client = vaultClient?.Invoke(vaultUri) ?? new SecretClient(vaultUri, new DefaultAzureCredential(), KeyVaultClientOptions.Create(anchorOptions));
            var written = new KeyVaultAnchorWriter(client, anchorOptions, NullLogger<KeyVaultAnchorWriter>.Instance)
                .WriteAsync(state => importer.Import(lotl, pivots, lists, pinned, now, state))
                .GetAwaiter().GetResult();
            if (written.Import is null)
            {
                return Error(parsed.Json, stdout, stderr, "KEY_VAULT_FAILED", written.Error ?? "the vault could not be read");
            }

            import = written.Import;
            var line = written.Error ?? $"vault: {written.Added} added, {written.Enabled} enabled again, {written.Disabled} disabled";
            (written.Error is null ? progress : stderr)?.WriteLine(line);
            if (written.Error is not null && import.LotlAccepted)
            {
                return Error(parsed.Json, stdout, stderr, "KEY_VAULT_FAILED", written.Error);
            }
        }
        else
        {
            import = importer.Import(lotl, pivots, lists, pinned, now, TrustedListState.Empty);
        }

        progress?.WriteLine($"LOTL {(import.LotlAccepted ? "accepted" : "refused")}; {import.Lists.Count(l => l.Accepted)} of {import.Lists.Count} list(s) accepted; {import.Anchors.Count} anchor(s)");

        if (parsed.Out is { } output && import.LotlAccepted)
        {
            if (import.Anchors.Count == 0)
            {
                stderr.WriteLine($"tppgate anchors from-trusted-lists: no anchors, {output} not written");
            }
            else if (!TryWrite(output, TrustAnchorPem.Write(import.Anchors), out var writeError))
            {
                return Error(parsed.Json, stdout, stderr, "OUT_UNWRITABLE", writeError);
            }
        }

        var report = Report(import);
        if (parsed.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(report, AnchorsJsonContext.Default.AnchorsReport));
        }
        else
        {
            WriteText(report, stdout);
        }

        return import.LotlAccepted ? ExitCodes.Success : ExitCodes.Unreadable;
    }

    private static AnchorsReport Report(TrustedListImport import) => new(
        new LotlReport(import.Lotl.Source, import.Lotl.SequenceNumber, import.Lotl.SignatureValid, import.Lotl.Accepted, Reason(import.Lotl), import.Lotl.Detail),
        [.. import.Lists.Select(l => new ListReport(l.Source, l.Territory, l.SequenceNumber, l.SignatureValid, l.Accepted, Reason(l), l.Detail))],
        [.. import.Anchors.Select(a => new AnchorReport(a.Sha256, a.Territory, a.Tsp, a.Service))]);

    private static string? Reason(TrustedListOutcome outcome)
        => outcome.Accepted ? null : InspectCommand.ToUpperSnake(outcome.Refusal.ToString());

    private static void WriteText(AnchorsReport report, TextWriter w)
    {
        var l = report.Lotl;
        w.WriteLine($"LOTL {l.File}: sequence {l.SequenceNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, {(l.Accepted ? "accepted" : $"REFUSED {l.Reason}")}: {l.Detail}");
        foreach (var list in report.Lists)
        {
            w.WriteLine($"  {list.Territory ?? "??"} {list.File}: sequence {list.SequenceNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, {(list.Accepted ? "accepted" : $"REFUSED {list.Reason}")}: {list.Detail}");
        }

        w.WriteLine($"{report.Anchors.Count} QWAC anchor(s)");
        foreach (var a in report.Anchors)
        {
            w.WriteLine($"  {a.Sha256}  {a.Territory}  {a.Tsp} / {a.Service}");
        }
    }

    private static TrustedListSource Source(string path, int maxBytes)
        => TryReadFile(path, maxBytes + 1, out var bytes, out var error)
            ? TrustedListSource.Of(path, bytes)
            : TrustedListSource.Unavailable(path, null, error);

    // Reads at most maxBytes; a longer file yields its first maxBytes, which the size cap then refuses.
    private static bool TryReadFile(string path, int maxBytes, out byte[] bytes, out string error)
    {
        bytes = [];
        error = string.Empty;
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[(int)Math.Min(maxBytes, Math.Max(stream.Length, 0))];
            stream.ReadExactly(buffer);
            bytes = buffer;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{path}: {e.Message}";
            return false;
        }
    }

    private static bool TryWrite(string path, string text, out string error)
    {
        try
        {
            File.WriteAllText(path, text);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"--out {path}: {e.Message}";
            return false;
        }
    }

    private static int Error(bool json, TextWriter stdout, TextWriter stderr, string code, string message)
    {
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new ErrorReport(new ErrorBody(code, message)), AnchorsJsonContext.Default.ErrorReport));
        }
        else
        {
            stderr.WriteLine($"tppgate anchors from-trusted-lists: {code}: {message}");
        }

        return ExitCodes.Unreadable;
    }
}
