using Azure.Core;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>
/// The update of a binding's window under injected storage faults (decision 0014): a writer store whose requests
/// pass through <see cref="StorageFaults"/>, a second writer without faults, and a reader instance (cache + change
/// watcher) on one Azurite table. The promise: once an update's write landed, no reader serves the old window from
/// its cache after its next feed read; and nothing is lost or applied over a state the update did not read.
/// </summary>
public sealed class UpdateProtocolFaultTests(AzuriteInstance azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _table = AzuriteInstance.NewTableName();
    private readonly StorageFaults _writerFaults = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The replace of a certificate entity (an update or a revocation): a PUT to a cert_ partition.</summary>
    private static bool CertificateReplace(HttpMessage m, string body)
        => m.Request.Method == RequestMethod.Put && body.Contains("\"PartitionKey\":\"cert_", StringComparison.Ordinal);

    private static BindingUpdate CloseWindow() => new() { Actor = "ops", ActiveUntil = new(DateTimeOffset.UtcNow.AddMinutes(-1)) };

    [Fact]
    public async Task Update_whose_write_is_lost_after_its_intent_keeps_the_reader_on_storage_and_the_retry_reaches_it()
    {
        var (writer, _, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));
        Assert.True(reader.Cache.TryGet(binding.Sha256, out _), "cached before the update");

        _writerFaults.Add(new Fault("certificate replace never sent", CertificateReplace, FaultKind.Fail, count: 100));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.UpdateAsync("client-a", binding.Sha256, CloseWindow(), Ct));
        _writerFaults.Clear();

        // The intent is in the feed, the write is not in storage: the reader keeps the certificate uncached and
        // decides on what storage holds (the old window, which is still the truth).
        Assert.True(await reader.PollAsync());
        Assert.Equal(BindingChangeKind.Update, Assert.Single(reader.Cache.Pending).Value.Kind);
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));
        Assert.False(reader.Cache.TryGet(binding.Sha256, out _), "a pending certificate was cached");
        Assert.DoesNotContain(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);

        var retry = await writer.UpdateAsync("client-a", binding.Sha256, CloseWindow(), Ct);
        Assert.Equal(UpdateOutcome.Updated, retry.Outcome);

        // Landed: the very next look-up (no poll in between) reads storage, since the certificate is still pending.
        Assert.False((await reader.LookupAsync(binding.Sha256))!.IsUsableAt(DateTimeOffset.UtcNow));
        Assert.True(await reader.PollAsync());
        Assert.Empty(reader.Cache.Pending);
        Assert.False((await reader.LookupAsync(binding.Sha256))!.IsUsableAt(DateTimeOffset.UtcNow), "the old window came back from the cache");
        Assert.Single(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);
    }

    [Fact]
    public async Task Update_racing_a_revocation_meets_412_and_ends_revoked_without_applying_its_window()
    {
        var (writer, other, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));

        // The update has read the active row and announced its version; its replace waits while a revocation lands.
        var held = _writerFaults.Add(new Fault("update replace held", CertificateReplace, FaultKind.Hold));
        var update = writer.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "ops", ActiveUntil = new(DateTimeOffset.UtcNow.AddDays(400)), Note = new("extended") }, Ct);
        await held.Held.Task.WaitAsync(Patience, Ct);
        Assert.Equal(RevokeOutcome.Revoked, (await other.RevokeAsync("client-a", binding.Sha256, "security", "compromised", Ct)).Outcome);
        held.Gate.SetResult();

        var result = await update;

        Assert.Equal(UpdateOutcome.Revoked, result.Outcome);
        var stored = (await other.GetByCertificateAsync(binding.Sha256, Ct))!;
        Assert.Equal(BindingStatus.Revoked, stored.Status);
        Assert.Equal(binding.Note, stored.Note);
        Assert.Equal(binding.ActiveUntil, stored.ActiveUntil);
        Assert.Equal(2, stored.Version);
        Assert.DoesNotContain(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);

        // Both intents (update v2, revoke) are in the feed; the revocation resolves both and the reader denies.
        Assert.Equal([BindingChangeKind.Update, BindingChangeKind.Revoke], (await writer.ReadChangesAsync(1, Ct)).Changes.Select(c => c.Kind));
        Assert.True(await reader.PollAsync());
        Assert.Empty(reader.Cache.Pending);
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"));
    }

    [Fact]
    public async Task Update_whose_write_landed_before_a_timeout_is_unchanged_when_retried_with_one_audit_row()
    {
        var (writer, _, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));

        // Every response to the replace is lost: the first try lands, the SDK's retries meet 412 and are lost too,
        // so the call fails as a timeout would, after its write landed and before its audit row.
        var dropped = _writerFaults.Add(new Fault("replace responses lost", CertificateReplace, FaultKind.DropResponse, count: 100));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.UpdateAsync("client-a", binding.Sha256, CloseWindow(), Ct));
        Assert.True(dropped.Fired > 1, "the SDK did not retry");
        _writerFaults.Clear();
        Assert.Equal(2, (await writer.GetByCertificateAsync(binding.Sha256, Ct))!.Version);
        Assert.DoesNotContain(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);

        // The client repeats the request: same values, nothing written again, the missing audit row repaired.
        var stored = (await writer.GetByCertificateAsync(binding.Sha256, Ct))!;
        var retry = await writer.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "ops", ActiveUntil = new(stored.ActiveUntil) }, Ct);

        Assert.Equal(UpdateOutcome.Unchanged, retry.Outcome);
        Assert.Equal(2, retry.Binding!.Version);
        var audit = Assert.Single(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);
        Assert.Null(audit.Before!.ActiveUntil);
        Assert.Equal(stored.ActiveUntil, audit.After!.ActiveUntil);
        Assert.True(await reader.PollAsync());
        Assert.False((await reader.LookupAsync(binding.Sha256))!.IsUsableAt(DateTimeOffset.UtcNow), "the old window outlived the landed update");
    }

    [Fact]
    public async Task Update_whose_response_is_lost_once_is_this_calls_success_with_one_audit_row()
    {
        var (writer, _, _) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        _writerFaults.Add(new Fault("replace response lost once", CertificateReplace, FaultKind.DropResponse));

        var result = await writer.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "ops", Note = new("changed") }, Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Equal(2, result.Binding!.Version);
        Assert.Single(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);
        Assert.Single((await writer.ReadChangesAsync(1, Ct)).Changes);
    }

    [Fact]
    public async Task Two_updates_racing_both_land_one_after_the_other_each_announced_and_audited()
    {
        var (writer, other, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());

        var held = _writerFaults.Add(new Fault("first update's replace held", CertificateReplace, FaultKind.Hold));
        var first = writer.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "first", Note = new("first") }, Ct);
        await held.Held.Task.WaitAsync(Patience, Ct);
        Assert.Equal(UpdateOutcome.Updated, (await other.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "second", ActiveUntil = new(DateTimeOffset.UtcNow.AddDays(9)) }, Ct)).Outcome);
        held.Gate.SetResult();

        var result = await first;

        // The first update met 412, read version 2 (the second's) and wrote version 3 on top of it: nothing lost.
        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        var stored = (await other.GetByCertificateAsync(binding.Sha256, Ct))!;
        Assert.Equal((3L, "first"), (stored.Version, stored.Note));
        Assert.NotNull(stored.ActiveUntil);
        Assert.Equal([2L, 2, 3], (await other.ReadChangesAsync(1, Ct)).Changes.Select(c => c.Version));
        Assert.Equal(2, (await other.GetAuditAsync("client-a", Ct)).Count(a => a.Action == AuditAction.Updated));
        Assert.True(await reader.PollAsync());
        Assert.Empty(reader.Cache.Pending);
        Assert.Equal("first", (await reader.LookupAsync(binding.Sha256))!.Note);
    }

    private async Task<(global::TppGate.Azure.Tables.TableBindingStore Writer, global::TppGate.Azure.Tables.TableBindingStore Other, ReaderInstance Reader)> CreateAsync()
    {
        var writer = StoreFactory.Create(azurite, _table, _writerFaults);
        await writer.InitializeAsync(Ct);
        return (writer, StoreFactory.Create(azurite, _table, null), new ReaderInstance(StoreFactory.Create(azurite, _table, null)));
    }
}
