using System.Security.Cryptography.Xml;
using System.Xml;
using BenchmarkDotNet.Attributes;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Benchmarks;

/// <summary>
/// Importing the real LOTL and its four national lists from ../shared/trusted-lists (parse safely, check each
/// signature's shape, verify both references and the signature, check signers, times and sequence numbers, extract
/// the anchors), against SignedXml's own load-and-CheckSignature of the same five files. Target: at most 1.3x.
/// </summary>
[MemoryDiagnoser]
public class TrustedListImportBenchmarks
{
    private static readonly DateTimeOffset At = new(2019, 9, 5, 0, 0, 0, TimeSpan.Zero);
    private byte[] lotl = [];
    private byte[][] lists = [];
    private byte[] pinned = [];
    private TrustedListImporter importer = null!;

    /// <summary>The shared folder, or null when this machine has no copy (a GitHub runner).</summary>
    public static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable("TPPGATE_TRUSTED_LISTS_DIR");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "trusted-lists");
            if (File.Exists(Path.Combine(dir.FullName, "TppGate.slnf")) && File.Exists(Path.Combine(candidate, "expected.json")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    [GlobalSetup]
    public void Setup()
    {
        var folder = Locate() ?? throw new InvalidOperationException("../shared/trusted-lists not found; set TPPGATE_TRUSTED_LISTS_DIR");
        lotl = File.ReadAllBytes(Path.Combine(folder, "eu-lotl.xml"));
        lists = [.. new[] { "PT.xml", "NO.xml", "BG.xml", "MT.xml" }.Select(n => File.ReadAllBytes(Path.Combine(folder, n)))];
        TrustedListDocument.TryLoad(lotl, 1 << 25, out var document, out _);
        pinned = TrustedListSignatureVerifier.Verify(document!).Signer!;
        importer = new TrustedListImporter(new TrustedListImportOptions());
        if (Import() != 7 || SignedXmlBaseline() != 5)
        {
            throw new InvalidOperationException("the shared lists do not import as expected: the figures would measure a failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "SignedXml: load + CheckSignature, 5 lists")]
    public int SignedXmlBaseline()
    {
        var valid = CheckSignature(lotl) ? 1 : 0;
        foreach (var list in lists)
        {
            valid += CheckSignature(list) ? 1 : 0;
        }

        return valid;
    }

    [Benchmark(Description = "TppGate: import LOTL + 4 lists (verify all, extract anchors)")]
    public int Import()
    {
        var import = importer.Import(
            TrustedListSource.Of("eu-lotl.xml", lotl),
            [],
            [.. lists.Select((l, i) => TrustedListSource.Of(i.ToString(System.Globalization.CultureInfo.InvariantCulture), l))],
            [pinned],
            At,
            TrustedListState.Empty);
        return import.LotlAccepted && import.Lists.All(l => l.Accepted) ? import.Anchors.Count : -1;
    }

    private static bool CheckSignature(byte[] bytes)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using (var stream = new MemoryStream(bytes))
        {
            document.Load(stream);
        }

        var signed = new SignedXml(document);
        signed.LoadXml((XmlElement)document.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl)[0]!);
        return signed.CheckSignature();
    }
}
