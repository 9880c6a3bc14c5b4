using System.Text.Json;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Core.Tests.Trust.TrustedLists;

/// <summary>The import against the real 2019 LOTL and four national lists in ../shared/trusted-lists, checked against expected.json.</summary>
public sealed class SharedTrustedListImportTests
{
    private static TrustedListImport Import(
        string lotl = "eu-lotl.xml",
        DateTimeOffset? at = null,
        TrustedListState? previous = null,
        byte[]? pinned = null,
        string[]? lists = null)
        => new TrustedListImporter(new TrustedListImportOptions()).Import(
            TrustedListSource.Of(lotl, SharedTrustedLists.Read(lotl)),
            [],
            [.. (lists ?? SharedTrustedLists.NationalLists).Select(n => TrustedListSource.Of(n, SharedTrustedLists.Read(n)))],
            [pinned ?? SharedTrustedLists.LotlSigner()],
            at ?? SharedTrustedLists.ValidationTime,
            previous ?? TrustedListState.Empty);

    [Fact]
    public void Real_LOTL_and_its_four_lists_give_exactly_the_anchors_expected_json_lists()
    {
        var import = Import();

        Assert.True(import.LotlAccepted, import.Lotl.Detail);
        Assert.Equal(248, import.Lotl.SequenceNumber);
        Assert.All(import.Lists, l => Assert.True(l.Accepted, $"{l.Source}: {l.Refusal} {l.Detail}"));
        foreach (var name in SharedTrustedLists.NationalLists)
        {
            var expected = SharedTrustedLists.ExpectedFile(name);
            var territory = expected.GetProperty("SchemeTerritory").GetString();
            var outcome = import.Lists.Single(l => l.Source == name);
            Assert.Equal(territory, outcome.Territory);
            Assert.Equal(expected.GetProperty("TSLSequenceNumber").GetInt64(), outcome.SequenceNumber);

            var expectedServices = expected.GetProperty("qwac_ca_services").EnumerateArray()
                .SelectMany(s => s.GetProperty("cert_sha256").EnumerateArray().Select(h => (h.GetString()!, s.GetProperty("tsp_name").GetString()!, s.GetProperty("service_name").GetString()!)))
                .Order()
                .ToList();
            var actual = import.Anchors.Where(a => a.Territory == territory).Select(a => (a.Sha256, a.Tsp, a.Service)).Order().ToList();
            Assert.Equal(expectedServices, actual);
        }

        Assert.Equal(7, import.Anchors.Count);
    }

    [Theory]
    [InlineData("eu-lotl-broken-sig.xml", TrustedListRefusal.BadSignature)]
    [InlineData("eu-lotl-no-sig.xml", TrustedListRefusal.Unsigned)]
    [InlineData("eu-lotl-not-parseable.xml", TrustedListRefusal.NotWellFormed)]
    public void A_defective_LOTL_is_refused_and_changes_nothing(string lotl, TrustedListRefusal reason)
    {
        var previousAnchor = TrustedListAnchor.Create([1, 2, 3], "PT", "Earlier TSP", "Earlier service");
        var previous = new TrustedListState(new Dictionary<string, long> { ["EU"] = 247 }, [previousAnchor]);

        var import = Import(lotl, previous: previous);

        Assert.False(import.LotlAccepted);
        Assert.Equal(reason, import.Lotl.Refusal);
        Assert.False(import.Lotl.SignatureValid);
        Assert.All(import.Lists, l => Assert.Equal(TrustedListRefusal.LotlRefused, l.Refusal));
        Assert.Same(previous, import.State);
        Assert.Equal([previousAnchor], import.Anchors);
    }

    [Fact]
    public void The_real_LOTL_is_refused_when_the_pinned_certificate_is_another_one()
    {
        var notTheSigner = Convert.FromHexString("00");
        var import = Import(pinned: notTheSigner);

        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, import.Lotl.Refusal);
        Assert.True(import.Lotl.SignatureValid);
        Assert.Empty(import.Anchors);
    }

    [Fact]
    public void A_national_list_past_its_NextUpdate_is_refused_and_its_territory_keeps_its_anchors()
    {
        // MT's NextUpdate is 2020-01-15; the LOTL and the other lists are current until 2020-02-29 or later.
        var earlier = TrustedListAnchor.Create([9, 9, 9], "MT", "Earlier TSP", "Earlier QWAC CA");
        var import = Import(at: new DateTimeOffset(2020, 2, 1, 0, 0, 0, TimeSpan.Zero), previous: new TrustedListState(new Dictionary<string, long>(), [earlier]));

        Assert.True(import.LotlAccepted, import.Lotl.Detail);
        var mt = import.Lists.Single(l => l.Territory == "MT");
        Assert.Equal(TrustedListRefusal.Expired, mt.Refusal);
        Assert.True(mt.SignatureValid);
        Assert.Contains(earlier, import.Anchors);
        Assert.Equal(8, import.Anchors.Count);
    }

    [Fact]
    public void A_replayed_older_list_is_a_rollback_and_does_not_replace_the_newer_one()
    {
        var newer = TrustedListAnchor.Create([7, 7, 7], "PT", "Newer TSP", "Newer QWAC CA");
        var previous = new TrustedListState(new Dictionary<string, long> { ["PT"] = 50 }, [newer]);

        var import = Import(previous: previous);

        var pt = import.Lists.Single(l => l.Territory == "PT");
        Assert.Equal(TrustedListRefusal.Rollback, pt.Refusal);
        Assert.Equal([newer], import.Anchors.Where(a => a.Territory == "PT"));
        Assert.Equal(50, import.State.Sequences["PT"]);
        Assert.Equal(248, import.State.Sequences["EU"]);
    }

    [Fact]
    public void A_LOTL_older_than_the_last_accepted_one_is_a_rollback()
    {
        var import = Import(previous: new TrustedListState(new Dictionary<string, long> { ["EU"] = 249 }, []));

        Assert.Equal(TrustedListRefusal.Rollback, import.Lotl.Refusal);
    }

    [Fact]
    public void A_national_list_given_as_the_LOTL_is_refused()
    {
        var import = Import(lotl: "PT.xml");

        Assert.Equal(TrustedListRefusal.WrongType, import.Lotl.Refusal);
    }

    [Fact]
    public void Every_shared_file_gets_the_signature_verdict_expected_json_records()
    {
        foreach (var file in SharedTrustedLists.Expected().GetProperty("files").EnumerateArray())
        {
            var name = file.GetProperty("file").GetString()!;
            var refusal = TrustedListDocument.TryLoad(SharedTrustedLists.Read(name), 32 << 20, out var document, out _);
            var expectedValid = file.GetProperty("signature").GetProperty("xmlsec1_valid").GetBoolean();
            if (!file.GetProperty("parseable").GetBoolean())
            {
                Assert.Equal(TrustedListRefusal.NotWellFormed, refusal);
                continue;
            }

            var verdict = TrustedListSignatureVerifier.Verify(document!);
            Assert.True(expectedValid == (verdict.Status == SignatureStatus.Valid), $"{name}: {verdict.Status} {verdict.Detail}");
            if (file.GetProperty("signature").TryGetProperty("signing_cert_sha256", out var signer))
            {
                Assert.Equal(signer.GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(verdict.Signer!)));
            }
        }
    }
}
