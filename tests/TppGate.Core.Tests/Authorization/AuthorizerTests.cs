using System.Text;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Pki;

namespace TppGate.Core.Tests.Authorization;

public sealed class AuthorizerTests
{
    [Fact]
    public async Task Warm_decision_reads_no_storage_while_the_change_feed_is_fresh()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        Assert.True(await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken));

        // The watcher's one read to see the registration land is not a decision's.
        var baseline = h.Store.Reads;
        var first = await h.AskAsync(qwac, "tpp-1", "accounts");
        var readsAfterFirst = h.Store.Reads - baseline;
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await h.AskAsync(qwac, "tpp-1", "accounts")).IsAllowed);
        }

        Assert.True(first.IsAllowed);
        Assert.Equal(1, readsAfterFirst);
        Assert.Equal(1, h.Store.Reads - baseline);
    }

    [Fact]
    public async Task Without_a_fresh_change_feed_every_decision_reads_storage()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
        var baseline = h.Store.Reads;

        await h.AskAsync(qwac, "tpp-1");
        h.Time.Advance(h.Options.PropagationBound + TimeSpan.FromSeconds(1));
        await h.AskAsync(qwac, "tpp-1");
        await h.AskAsync(qwac, "tpp-1");

        Assert.Equal(3, h.Store.Reads - baseline);
    }

    [Fact]
    public async Task Revocation_seen_in_the_change_feed_blocks_a_cached_allow()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.True((await h.AskAsync(qwac, "tpp-1")).IsAllowed);

        await h.Store.Inner.RevokeAsync("tpp-1", CertificateThumbprints.Of(qwac).Sha256Hex, "ops", "compromised", TestContext.Current.CancellationToken);
        var beforePoll = await h.AskAsync(qwac, "tpp-1");
        h.Time.Advance(h.Options.ChangePollInterval);
        await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
        var afterPoll = await h.AskAsync(qwac, "tpp-1");

        Assert.True(beforePoll.IsAllowed);
        Assert.Equal(DenyCode.CertificateBlocked, afterPoll.Code);
    }

    [Fact]
    public async Task A_change_is_acted_on_once_and_later_polls_leave_the_cached_binding_alone()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
        var baseline = h.Store.Reads;
        await h.AskAsync(qwac, "tpp-1");

        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(h.Options.ChangePollInterval);
            await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
            await h.AskAsync(qwac, "tpp-1");
        }

        Assert.Equal(1, h.Store.Reads - baseline);
    }

    [Fact]
    public async Task Storage_failure_on_a_cache_miss_is_service_unavailable_never_an_allow()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        h.Store.Failure = new BindingStoreUnavailableException("storage down");

        var decision = await h.AskAsync(qwac, "tpp-1");

        Assert.False(decision.IsAllowed);
        Assert.Equal(DenyCode.ServiceUnavailable, decision.Code);
    }

    [Fact]
    public async Task Storage_that_never_answers_is_service_unavailable_at_the_deadline()
    {
        var h = new AuthorizerHarness(new AuthorizerOptions { Deadline = TimeSpan.FromMilliseconds(300) });
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        h.Store.Hang = new TaskCompletionSource();

        var pending = h.AskAsync(qwac, "tpp-1").AsTask();
        h.Time.Advance(TimeSpan.FromMilliseconds(301));
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(DenyCode.ServiceUnavailable, decision.Code);
    }

    [Fact]
    public async Task Change_feed_failure_makes_cached_allows_expire_within_the_propagation_bound()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.True((await h.AskAsync(qwac, "tpp-1")).IsAllowed);

        h.Store.Failure = new BindingStoreUnavailableException("storage down");
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken));
        var withinBound = await h.AskAsync(qwac, "tpp-1");
        h.Time.Advance(h.Options.PropagationBound);
        Assert.False(await h.Watcher.PollOnceAsync(TestContext.Current.CancellationToken));
        var pastBound = await h.AskAsync(qwac, "tpp-1");

        Assert.True(withinBound.IsAllowed);
        Assert.Equal(DenyCode.ServiceUnavailable, pastBound.Code);
    }

    [Fact]
    public async Task Concurrent_misses_for_one_certificate_share_one_storage_read()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        h.Store.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = Enumerable.Range(0, 10).Select(_ => h.AskAsync(qwac, "tpp-1").AsTask()).ToArray();
        h.Store.Hang.SetResult();
        var decisions = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.All(decisions, d => Assert.True(d.IsAllowed));
        Assert.Equal(1, h.Store.Reads);
    }

    [Fact]
    public async Task Binding_outside_its_activation_window_is_not_bound()
    {
        var h = new AuthorizerHarness();
        var now = h.Time.GetUtcNow();
        var future = AuthorizerHarness.NewQwac();
        var past = AuthorizerHarness.NewQwac();
        var current = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", future, activeFrom: now.AddDays(1));
        await h.BindAsync("tpp-1", past, activeUntil: now.AddMinutes(-1));
        await h.BindAsync("tpp-1", current, activeFrom: now.AddDays(-1), activeUntil: now.AddDays(1));

        Assert.Equal(DenyCode.CertificateNotBound, (await h.AskAsync(future, "tpp-1")).Code);
        Assert.Equal(DenyCode.CertificateNotBound, (await h.AskAsync(past, "tpp-1")).Code);
        Assert.True((await h.AskAsync(current, "tpp-1")).IsAllowed);
    }

    [Fact]
    public async Task Identify_by_certificate_allows_without_a_client_id_only_when_switched_on()
    {
        var off = new AuthorizerHarness();
        var on = new AuthorizerHarness(new AuthorizerOptions { IdentifyByCertificate = true });
        var qwac = AuthorizerHarness.NewQwac();
        await off.BindAsync("tpp-1", qwac);
        await on.BindAsync("tpp-1", qwac);

        var refused = await off.AskAsync(qwac, null);
        var identified = await on.AskAsync(qwac, null);

        Assert.Equal(DenyCode.ClientIdMissing, refused.Code);
        Assert.True(identified.IsAllowed);
        Assert.Equal("tpp-1", identified.ClientId);
    }

    [Fact]
    public async Task No_trust_anchors_loaded_is_service_unavailable()
    {
        var h = new AuthorizerHarness(useAnchors: false);
        var decision = await h.AskAsync(AuthorizerHarness.NewQwac(), "tpp-1");
        Assert.Equal(DenyCode.ServiceUnavailable, decision.Code);
    }

    [Fact]
    public async Task Token_is_never_believed_unverified_without_an_authority_even_with_a_matching_cnf()
    {
        var h = new AuthorizerHarness();
        var lax = new AuthorizerHarness(new AuthorizerOptions { RequireBoundTokens = false });
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await lax.BindAsync("tpp-1", qwac);
        var x5t = CertificateThumbprints.Of(qwac).X5tS256;

        Assert.Equal(DenyCode.TokenInvalid, (await h.AskAsync(qwac, "tpp-1", token: Jwt(x5t, "tpp-1"))).Code);
        Assert.Equal(DenyCode.TokenInvalid, (await lax.AskAsync(qwac, "tpp-1", token: Jwt(null, "tpp-1"))).Code);
        Assert.Equal(DenyCode.TokenInvalid, (await h.AskAsync(qwac, null, token: Jwt(x5t, "tpp-1"))).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Request_naming_no_api_is_api_missing_unless_role_checks_are_turned_off(string? api)
    {
        var h = new AuthorizerHarness();
        var off = new AuthorizerHarness(new AuthorizerOptions { CheckRoles = false });
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        await off.BindAsync("tpp-1", qwac);

        Assert.Equal(DenyCode.ApiMissing, (await h.AskAsync(qwac, "tpp-1", api)).Code);
        Assert.True((await off.AskAsync(qwac, "tpp-1", api)).IsAllowed);
        Assert.True((await off.AskAsync(qwac, "tpp-1", "no-such-api")).IsAllowed);
    }

    public static TheoryData<string, string[]> BerlinGroupServices => new()
    {
        { "accounts", ["PSP_AI"] },
        { "card-accounts", ["PSP_AI"] },
        { "consents", ["PSP_AI"] },
        { "payments", ["PSP_PI"] },
        { "bulk-payments", ["PSP_PI"] },
        { "periodic-payments", ["PSP_PI"] },
        { "signing-baskets", ["PSP_PI"] },
        { "funds-confirmations", ["PSP_IC"] },
        { "token", ["PSP_AI", "PSP_PI", "PSP_IC"] },
    };

    [Theory]
    [MemberData(nameof(BerlinGroupServices))]
    public async Task Built_in_map_gives_each_berlin_group_service_exactly_its_roles(string api, string[] allowed)
    {
        var h = new AuthorizerHarness(new AuthorizerOptions());
        var byRole = new Dictionary<string, Psd2Role>
        {
            ["PSP_AS"] = Psd2Role.AccountServicing,
            ["PSP_PI"] = Psd2Role.PaymentInitiation,
            ["PSP_AI"] = Psd2Role.AccountInformation,
            ["PSP_IC"] = Psd2Role.CardIssuing,
        };
        foreach (var (name, role) in byRole)
        {
            var qwac = AuthorizerHarness.NewQwac(role);
            var client = "tpp-" + name;
            await h.BindAsync(client, qwac);

            var decision = await h.AskAsync(qwac, client, api);

            Assert.True(allowed.Contains(name) == decision.IsAllowed, $"{api} with {name}: {decision.Code}");
            Assert.True(decision.IsAllowed || decision.Code == DenyCode.RoleInvalid);
        }
    }

    [Fact]
    public async Task Configured_api_roles_replace_a_built_in_entry_and_add_new_names()
    {
        var h = new AuthorizerHarness(new AuthorizerOptions { ApiRoles = { ["accounts"] = ["PSP_PI"], ["psd2"] = ["PSP_AI"] } });
        var ai = AuthorizerHarness.NewQwac(Psd2Role.AccountInformation);
        await h.BindAsync("tpp-1", ai);

        Assert.Equal(DenyCode.RoleInvalid, (await h.AskAsync(ai, "tpp-1", "accounts")).Code);
        Assert.True((await h.AskAsync(ai, "tpp-1", "psd2")).IsAllowed);
        Assert.True((await h.AskAsync(ai, "tpp-1", "consents")).IsAllowed);
    }

    [Theory]
    [InlineData("tpp-1\n")]
    [InlineData("tpp\u0000-1")]
    [InlineData("tpp-1\u0085")]
    [InlineData("\u007ftpp-1")]
    public async Task Client_id_with_control_characters_is_client_id_invalid(string escaped)
    {
        var clientId = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);

        Assert.Equal(DenyCode.ClientIdInvalid, (await h.AskAsync(qwac, clientId)).Code);
    }

    [Fact]
    public async Task Certificate_is_judged_before_the_client_id()
    {
        var h = new AuthorizerHarness();
        var untrusted = CertificateCatalogue.Shared[CatalogueCertificate.FromUntrustedRoot];

        Assert.Equal(DenyCode.CertificateInvalid, (await h.AskAsync(untrusted, new string('c', h.Options.MaxClientIdLength + 1))).Code);
        Assert.Equal(DenyCode.CertificateInvalid, (await h.AskAsync(untrusted, null)).Code);
    }

    [Fact]
    public async Task Role_check_uses_the_configured_map_and_unknown_apis_are_denied()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac(Psd2Role.PaymentInitiation);
        await h.BindAsync("tpp-1", qwac);

        Assert.True((await h.AskAsync(qwac, "tpp-1", "payments")).IsAllowed);
        Assert.Equal(DenyCode.RoleInvalid, (await h.AskAsync(qwac, "tpp-1", "accounts")).Code);
        Assert.Equal(DenyCode.RoleInvalid, (await h.AskAsync(qwac, "tpp-1", "no-such-api")).Code);
    }

    [Fact]
    public void Verdict_of_a_value_is_cached_and_recomputed_when_the_anchor_set_changes()
    {
        var catalogue = CertificateCatalogue.Shared;
        var anchors = new SwitchableAnchors { Current = new TrustAnchorSet([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate], DateTimeOffset.UnixEpoch, "first") };
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(catalogue.ReferenceTime.AddDays(10));
        var options = new AuthorizerOptions();
        var chain = new ChainValidationOptions { Revocation = RevocationCheck.NoCheck };
        var verifier = new CertificateVerifier(new ChainValidator(anchors, chain, time), anchors, options, new CertificateReaderOptions(), time);
        var header = PkiExport.Base64Der(AuthorizerHarness.NewQwac());

        var first = verifier.Verify(header, CertificateSourceFormat.Base64, null, out _);
        var cached = verifier.Verify(header, CertificateSourceFormat.Base64, null, out _);
        anchors.Current = new TrustAnchorSet([catalogue.UntrustedRoot.Certificate], DateTimeOffset.UnixEpoch, "second");
        var afterRotation = verifier.Verify(header, CertificateSourceFormat.Base64, null, out _);

        Assert.Null(first!.Failure);
        Assert.Same(first, cached);
        Assert.Equal(DenyCode.CertificateInvalid, afterRotation!.Failure);
    }

    private sealed class SwitchableAnchors : ITrustAnchorProvider
    {
        public TrustAnchorSet? Current { get; set; }
    }

    [Fact]
    public async Task A_value_over_the_size_limit_is_refused_before_it_is_hashed_or_read()
    {
        var h = new AuthorizerHarness();
        var decision = await h.Authorizer.AuthorizeAsync(new AuthorizationRequest(new string('A', 64 * 1024), CertificateSourceFormat.Base64, null, "tpp-1", null, null), TestContext.Current.CancellationToken);
        Assert.Equal(DenyCode.CertificateInvalid, decision.Code);
        Assert.Contains("TooLarge", decision.Detail, StringComparison.Ordinal);
    }

    private static string Jwt(string? x5t, string clientId)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var cnf = x5t is null ? "" : $",\"cnf\":{{\"x5t#S256\":\"{x5t}\"}}";
        return B64("""{"alg":"ES256"}""") + "." + B64($"{{\"client_id\":\"{clientId}\"{cnf}}}") + ".sig";
    }
}
