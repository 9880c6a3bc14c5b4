using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Core.Tests.Trust.TrustedLists;

/// <summary>The import's rules on lists made and signed in code: which services are anchors, who may sign, pivots, time.</summary>
public sealed class TrustedListImporterTests(TrustedListFixture f) : IClassFixture<TrustedListFixture>
{
    private const string Granted = TrustedListUris.GrantedStatus;
    private const string Withdrawn = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn";
    private const string CaQc = TrustedListUris.CaQcServiceType;
    private const string CaPkc = "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC";
    private const string OcspQc = "http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP/QC";

    private TestTrustedList Portugal(long sequence = 20) => new() { Territory = "PT", Sequence = sequence };

    [Fact]
    public void Only_granted_CA_QC_services_for_website_authentication_give_anchors()
    {
        byte[] Cert(string name) => TestPki.CreateRoot(name).RawData;
        var qwac = Cert("granted QWAC CA");
        var list = Portugal()
            .AddService("TSP A", "QWAC CA", CaQc, Granted, true, qwac)
            .AddService("TSP A", "Withdrawn QWAC CA", CaQc, Withdrawn, true, Cert("withdrawn"))
            .AddService("TSP A", "PKC CA with WSA", CaPkc, Granted, true, Cert("pkc"))
            .AddService("TSP B", "OCSP with WSA", OcspQc, Granted, true, Cert("ocsp"))
            .AddService("TSP B", "Seal CA", CaQc, Granted, false, Cert("seal"))
            .Sign(f.Portugal);

        var import = f.Import(f.Lotl(), [list]);

        Assert.True(import.Lists[0].Accepted, import.Lists[0].Detail);
        var anchor = Assert.Single(import.Anchors);
        Assert.Equal(qwac, anchor.Certificate);
        Assert.Equal(("PT", "TSP A", "QWAC CA"), (anchor.Territory, anchor.Tsp, anchor.Service));
    }

    [Fact]
    public void A_national_list_signed_by_a_certificate_the_LOTL_does_not_announce_is_refused()
    {
        var list = Portugal().AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Attacker);

        var import = f.Import(f.Lotl(), [list]);

        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, import.Lists[0].Refusal);
        Assert.True(import.Lists[0].SignatureValid);
        Assert.Empty(import.Anchors);
    }

    [Fact]
    public void A_list_for_a_territory_the_LOTL_does_not_announce_is_refused()
    {
        var list = new TestTrustedList { Territory = "DE" }.AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);

        var import = f.Import(f.Lotl(), [list]);

        Assert.Equal(TrustedListRefusal.TerritoryNotAnnounced, import.Lists[0].Refusal);
    }

    [Fact]
    public void An_unsigned_national_list_is_refused()
    {
        var import = f.Import(f.Lotl(), [Portugal().AddQwacCa("TSP", "CA", f.QwacCa).Unsigned()]);

        Assert.Equal(TrustedListRefusal.Unsigned, import.Lists[0].Refusal);
    }

    [Fact]
    public void A_list_changed_after_signing_is_refused_as_badly_signed()
    {
        var signed = System.Text.Encoding.UTF8.GetString(Portugal().AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal));
        var tampered = System.Text.Encoding.UTF8.GetBytes(signed.Replace("<TSLSequenceNumber>20<", "<TSLSequenceNumber>99<", StringComparison.Ordinal));

        var import = f.Import(f.Lotl(), [tampered]);

        Assert.Equal(TrustedListRefusal.BadSignature, import.Lists[0].Refusal);
        Assert.False(import.Lists[0].SignatureValid);
    }

    [Fact]
    public void A_closed_list_or_one_past_NextUpdate_beyond_the_grace_is_refused_within_the_grace_accepted()
    {
        var stale = new TestTrustedList { Territory = "PT", NextUpdate = TrustedListFixture.Now.AddDays(-2) }.AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);
        var closed = new TestTrustedList { Territory = "PT", NextUpdate = null }.AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);

        Assert.Equal(TrustedListRefusal.Expired, f.Import(f.Lotl(), [stale]).Lists[0].Refusal);
        Assert.Equal(TrustedListRefusal.Expired, f.Import(f.Lotl(), [closed]).Lists[0].Refusal);
        Assert.True(f.Import(f.Lotl(), [stale], options: new TrustedListImportOptions { NextUpdateGrace = TimeSpan.FromDays(3) }).Lists[0].Accepted);
    }

    [Fact]
    public void A_list_issued_in_the_future_is_refused()
    {
        var future = new TestTrustedList { Territory = "PT", Issued = TrustedListFixture.Now.AddDays(1) }.Sign(f.Portugal);

        Assert.Equal(TrustedListRefusal.NotYetIssued, f.Import(f.Lotl(), [future]).Lists[0].Refusal);
    }

    [Fact]
    public void Two_lists_for_one_territory_are_both_refused()
    {
        var a = Portugal(20).AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);
        var b = Portugal(21).AddQwacCa("TSP", "Other", f.SealCa).Sign(f.Portugal);

        var import = f.Import(f.Lotl(), [a, b]);

        Assert.All(import.Lists, l => Assert.Equal(TrustedListRefusal.DuplicateTerritory, l.Refusal));
        Assert.Empty(import.Anchors);
    }

    [Fact]
    public void A_withdrawn_service_disappears_when_the_next_list_is_accepted_and_a_replay_of_the_old_list_cannot_bring_it_back()
    {
        var old = Portugal(20).AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);
        var withdrawn = Portugal(21).AddService("TSP", "CA", CaQc, Withdrawn, true, f.QwacCa.RawData).Sign(f.Portugal);

        var first = f.Import(f.Lotl(), [old]);
        var second = f.Import(f.Lotl(), [withdrawn], previous: first.State);
        var replay = f.Import(f.Lotl(), [old], previous: second.State);

        Assert.Single(first.Anchors);
        Assert.Empty(second.Anchors);
        Assert.Equal(TrustedListRefusal.Rollback, replay.Lists[0].Refusal);
        Assert.Empty(replay.Anchors);
    }

    [Fact]
    public void A_territory_the_LOTL_stops_announcing_loses_its_anchors()
    {
        var first = f.Import(f.Lotl(), [Portugal().AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal)]);
        var withoutPortugal = TestTrustedList.Lotl(301, f.Pinned).Sign(f.Pinned);

        var second = f.Import(withoutPortugal, [], previous: first.State);

        Assert.Single(first.Anchors);
        Assert.True(second.LotlAccepted);
        Assert.Empty(second.Anchors);
    }

    [Fact]
    public void A_LOTL_signed_by_an_unpinned_certificate_is_refused()
    {
        var lotl = TestTrustedList.Lotl(300, f.Attacker).AnnounceNational("PT", f.Portugal).Sign(f.Attacker);

        var import = f.Import(lotl);

        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, import.Lotl.Refusal);
    }

    [Fact]
    public void Pivots_carry_the_pinned_certificate_forward_to_the_current_LOTL_signer()
    {
        // Pivot 1 is signed by the pinned key and announces key 1; pivot 2, signed by key 1, announces key 2; the current LOTL is signed by key 2.
        var pivot1 = TestTrustedList.Lotl(250, f.Pivot1).Sign(f.Pinned);
        var pivot2 = TestTrustedList.Lotl(260, f.Pivot2).Sign(f.Pivot1);
        var current = TestTrustedList.Lotl(300, f.Pivot2).AnnounceNational("PT", f.Portugal)
            .AddSchemeUri("https://example.test/eu-lotl-pivot-260.xml").AddSchemeUri("https://example.test/eu-lotl-pivot-250.xml")
            .Sign(f.Pivot2);
        var list = Portugal().AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);

        var withPivots = f.Import(current, [list], pivots: [pivot2, pivot1]);
        var withoutPivots = f.Import(current, [list]);

        Assert.True(withPivots.LotlAccepted, withPivots.Lotl.Detail);
        Assert.Single(withPivots.Anchors);
        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, withoutPivots.Lotl.Refusal);
    }

    [Fact]
    public void A_pivot_that_does_not_follow_from_the_previous_one_breaks_the_chain()
    {
        var pivot1 = TestTrustedList.Lotl(250, f.Pivot1).Sign(f.Pinned);
        var forged = TestTrustedList.Lotl(260, f.Attacker).Sign(f.Attacker);
        var current = TestTrustedList.Lotl(300, f.Attacker).Sign(f.Attacker);

        var import = f.Import(current, pivots: [pivot1, forged]);

        Assert.Equal(TrustedListRefusal.PivotChainBroken, import.Lotl.Refusal);
    }

    [Fact]
    public void After_a_rotation_the_old_pinned_key_alone_no_longer_signs_the_LOTL()
    {
        var pivot1 = TestTrustedList.Lotl(250, f.Pivot1).Sign(f.Pinned);
        var signedByOldKey = TestTrustedList.Lotl(300, f.Pinned).Sign(f.Pinned);

        var import = f.Import(signedByOldKey, pivots: [pivot1]);

        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, import.Lotl.Refusal);
    }

    [Fact]
    public void Pivots_older_than_the_pinned_certificates_are_skipped()
    {
        // The operator pinned key 1 (a newer Official Journal): pivot 1, signed by an older key, is not needed.
        var pivot1 = TestTrustedList.Lotl(250, f.Pivot1).Sign(f.Pinned);
        var pivot2 = TestTrustedList.Lotl(260, f.Pivot2).Sign(f.Pivot1);
        var current = TestTrustedList.Lotl(300, f.Pivot2).Sign(f.Pivot2);

        var import = f.Import(current, pivots: [pivot1, pivot2], pinned: f.Pivot1.Der);

        Assert.True(import.LotlAccepted, import.Lotl.Detail);
    }
}
