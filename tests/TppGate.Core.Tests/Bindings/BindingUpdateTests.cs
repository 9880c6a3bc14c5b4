using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Tests.Authorization;

namespace TppGate.Core.Tests.Bindings;

/// <summary>The update of a binding's window or note (decision 0014): its rules, outcomes and how readers learn of it.</summary>
public sealed class BindingUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Update_changes_the_fields_named_keeps_the_absent_ones_and_records_before_and_after()
    {
        var store = new InMemoryBindingStore(new FakeTimeProvider(Now));
        var binding = Binding();
        await store.RegisterAsync(binding, Ct);
        var until = Now.AddDays(30).AddTicks(1234);

        var result = await store.UpdateAsync("tpp-1", binding.Sha256, new BindingUpdate { Actor = "ops", ActiveUntil = new(until) }, Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Equal(until.ToUnixTimeMilliseconds(), result.Binding!.ActiveUntil!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(binding.ActiveFrom, result.Binding.ActiveFrom);
        Assert.Equal(binding.Note, result.Binding.Note);
        Assert.Equal(2, result.Binding.Version);
        var audit = Assert.Single(await store.GetAuditAsync("tpp-1", Ct), a => a.Action == AuditAction.Updated);
        Assert.Equal("ops", audit.Actor);
        Assert.Null(audit.Before!.ActiveUntil);
        Assert.NotNull(audit.After!.ActiveUntil);
        var change = (await store.ReadChangesAsync(1, Ct)).Changes.Single();
        Assert.Equal((BindingChangeKind.Update, 2L), (change.Kind, change.Version));
    }

    [Fact]
    public async Task An_explicit_null_clears_a_field()
    {
        var store = new InMemoryBindingStore(new FakeTimeProvider(Now));
        var binding = Binding() with { ActiveUntil = Now.AddDays(10) };
        await store.RegisterAsync(binding, Ct);

        var result = await store.UpdateAsync("tpp-1", binding.Sha256, new BindingUpdate { Actor = "ops", ActiveUntil = new(null), Note = new(null) }, Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Null(result.Binding!.ActiveUntil);
        Assert.Null(result.Binding.Note);
        Assert.Equal(binding.ActiveFrom, result.Binding.ActiveFrom);
    }

    [Fact]
    public async Task Same_values_are_unchanged_and_write_nothing()
    {
        var store = new InMemoryBindingStore(new FakeTimeProvider(Now));
        var binding = Binding();
        await store.RegisterAsync(binding, Ct);

        var result = await store.UpdateAsync("tpp-1", binding.Sha256, new BindingUpdate { Actor = "ops", Note = new(binding.Note), ActiveFrom = new(binding.ActiveFrom) }, Ct);

        Assert.Equal(UpdateOutcome.Unchanged, result.Outcome);
        Assert.Equal(1, result.Binding!.Version);
        Assert.Empty((await store.ReadChangesAsync(1, Ct)).Changes);
        Assert.DoesNotContain(await store.GetAuditAsync("tpp-1", Ct), a => a.Action == AuditAction.Updated);
    }

    [Fact]
    public async Task Another_client_is_not_found_and_a_revoked_binding_is_never_edited()
    {
        var store = new InMemoryBindingStore(new FakeTimeProvider(Now));
        var binding = Binding();
        await store.RegisterAsync(binding, Ct);
        var update = new BindingUpdate { Actor = "ops", Note = new("changed") };

        Assert.Equal(UpdateOutcome.NotFound, (await store.UpdateAsync("tpp-2", binding.Sha256, update, Ct)).Outcome);
        Assert.Equal(UpdateOutcome.NotFound, (await store.UpdateAsync("tpp-1", new string('0', 64), update, Ct)).Outcome);
        await store.RevokeAsync("tpp-1", binding.Sha256, "ops", "compromised", Ct);
        var revoked = await store.UpdateAsync("tpp-1", binding.Sha256, update, Ct);

        Assert.Equal(UpdateOutcome.Revoked, revoked.Outcome);
        Assert.Equal(binding.Note, (await store.GetByCertificateAsync(binding.Sha256, Ct))!.Note);
    }

    [Theory]
    [InlineData(5, 5, "activeUntil must be after activeFrom")]
    [InlineData(6, 5, "activeUntil must be after activeFrom")]
    [InlineData(400, null, "notAfter")]
    [InlineData(null, -400, "notBefore")]
    public async Task A_window_that_is_empty_or_outside_the_certificates_validity_is_refused(int? fromDays, int? untilDays, string problem)
    {
        var store = new InMemoryBindingStore(new FakeTimeProvider(Now));
        var binding = Binding();
        await store.RegisterAsync(binding, Ct);

        var result = await store.UpdateAsync("tpp-1", binding.Sha256, new BindingUpdate
        {
            Actor = "ops",
            ActiveFrom = new(fromDays is { } f ? Now.AddDays(f) : null),
            ActiveUntil = new(untilDays is { } u ? Now.AddDays(u) : null),
        }, Ct);

        Assert.Equal(UpdateOutcome.WindowInvalid, result.Outcome);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
        Assert.Equal(1, (await store.GetByCertificateAsync(binding.Sha256, Ct))!.Version);
    }

    [Fact]
    public void An_update_is_resolved_by_its_version_not_by_values_that_may_come_back()
    {
        // A -> B -> A: the window the update writes may equal an older one, so only the version proves it landed.
        var stored = Binding() with { Version = 1 };
        var announced = new AnnouncedState(BindingChangeKind.Update, 2);

        Assert.False(announced.IsResolvedBy(stored));
        Assert.False(announced.IsResolvedBy(null));
        Assert.True(announced.IsResolvedBy(stored with { Version = 2 }));
        Assert.True(announced.IsResolvedBy(stored with { Version = 3 }));
        Assert.True(announced.IsResolvedBy(stored with { Status = BindingStatus.Revoked }), "a revoked binding takes no later update");
    }

    [Fact]
    public void Announcements_merge_into_the_one_that_resolves_last()
    {
        var register = new AnnouncedState(BindingChangeKind.Register, 0);
        var update2 = new AnnouncedState(BindingChangeKind.Update, 2);
        var update3 = new AnnouncedState(BindingChangeKind.Update, 3);
        var revoke = new AnnouncedState(BindingChangeKind.Revoke, 0);

        Assert.Equal(update2, register.Merge(update2));
        Assert.Equal(update3, update3.Merge(update2));
        Assert.Equal(update3, update2.Merge(update3));
        Assert.Equal(BindingChangeKind.Revoke, update3.Merge(revoke).Kind);
        Assert.Equal(BindingChangeKind.Revoke, revoke.Merge(register).Kind);
    }

    [Fact]
    public void A_second_announcement_keeps_the_certificate_pending_until_its_own_version_is_seen()
    {
        var options = new AuthorizerOptions();
        var time = new FakeTimeProvider(Now);
        var cache = new BindingCache(options, time);
        cache.MarkFeedRead(Now);
        var sha = new string('b', 64);
        var checkedState = new AnnouncedState(BindingChangeKind.Update, 2);

        cache.MarkPending(sha, checkedState);
        cache.MarkPending(sha, new AnnouncedState(BindingChangeKind.Update, 3));
        cache.Resolve(sha, checkedState);
        cache.Store(sha, null, cache.Epoch);

        Assert.False(cache.TryGet(sha, out _));
        Assert.Equal(3, Assert.Single(cache.Pending).Value.Version);
    }

    [Fact]
    public async Task A_cached_allow_ends_at_the_next_feed_read_after_the_window_is_closed()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        Assert.True(await h.Watcher.PollOnceAsync(Ct));
        Assert.True((await h.AskAsync(qwac, "tpp-1")).IsAllowed);
        var reads = h.Store.Reads;
        Assert.True((await h.AskAsync(qwac, "tpp-1")).IsAllowed);
        Assert.Equal(reads, h.Store.Reads);

        var sha = CertificateThumbprints.Of(qwac).Sha256Hex;
        var closed = await h.Store.UpdateAsync("tpp-1", sha, new BindingUpdate { Actor = "ops", ActiveUntil = new(h.Time.GetUtcNow().AddMinutes(-1)) }, Ct);
        Assert.Equal(UpdateOutcome.Updated, closed.Outcome);
        Assert.True(await h.Watcher.PollOnceAsync(Ct));

        var decision = await h.AskAsync(qwac, "tpp-1");
        Assert.False(decision.IsAllowed);
        Assert.Equal(DenyCode.CertificateNotBound, decision.Code);
    }

    private static CertificateBinding Binding() => new()
    {
        ClientId = "tpp-1",
        Sha256 = new string('a', 64),
        Thumbprint = Thumbprint.HexToX5tS256(new string('a', 64)),
        SpkiSha256 = new string('c', 64),
        Subject = "CN=tpp.example",
        Issuer = "CN=Example QTSP CA",
        NotBefore = Now.AddDays(-30),
        NotAfter = Now.AddDays(365),
        ActiveFrom = Now.AddMinutes(-5),
        CreatedBy = "ops",
        CreatedAt = Now,
        Note = "ticket 42",
    };
}
