using Azure.Data.Tables;
using TppGate.Azure.Tables;
using TppGate.Azure.Tests.Tables.Faults;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

/// <summary>The audited update of a binding on Table Storage (decision 0014), against Azurite.</summary>
public sealed class TableBindingStoreUpdateTests(AzuriteInstance azurite)
{
    private readonly string _table = AzuriteInstance.NewTableName();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Update_stores_the_new_window_and_note_announces_its_version_and_audits_before_and_after()
    {
        var store = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await store.RegisterAsync(binding, Ct);
        var until = DateTimeOffset.UtcNow.AddDays(30);

        var result = await store.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "ops@bank.example", ActiveUntil = new(until), Note = new("rotation planned") }, Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        var stored = (await store.GetByCertificateAsync(binding.Sha256, Ct))!;
        Assert.Equal(until.ToUnixTimeMilliseconds(), stored.ActiveUntil!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("rotation planned", stored.Note);
        Assert.Equal(binding.ActiveFrom, stored.ActiveFrom);
        Assert.Equal(2, stored.Version);
        Assert.Equal(result.Binding!.ActiveUntil, stored.ActiveUntil);

        var audit = Assert.Single(await store.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);
        Assert.Equal("ops@bank.example", audit.Actor);
        Assert.Equal(binding.Note, audit.Before!.Note);
        Assert.Null(audit.Before.ActiveUntil);
        Assert.Equal("rotation planned", audit.After!.Note);
        Assert.Equal(stored.ActiveUntil, audit.After.ActiveUntil);

        var change = (await store.ReadChangesAsync(1, Ct)).Changes.Single();
        Assert.Equal((BindingChangeKind.Update, 2L, binding.Sha256), (change.Kind, change.Version, change.Sha256));
    }

    [Fact]
    public async Task Null_clears_absent_keeps_same_values_are_unchanged_and_refusals_write_nothing()
    {
        var store = await CreateAsync();
        var binding = StoreFactory.Binding("client-a") with { ActiveUntil = DateTimeOffset.UtcNow.AddDays(20) };
        await store.RegisterAsync(binding, Ct);
        var sha = binding.Sha256;

        var cleared = await store.UpdateAsync("client-a", sha, new BindingUpdate { Actor = "ops", ActiveUntil = new(null) }, Ct);
        Assert.Equal(UpdateOutcome.Updated, cleared.Outcome);
        Assert.Null((await store.GetByCertificateAsync(sha, Ct))!.ActiveUntil);
        Assert.Equal(binding.Note, (await store.GetByCertificateAsync(sha, Ct))!.Note);

        Assert.Equal(UpdateOutcome.Unchanged, (await store.UpdateAsync("client-a", sha, new BindingUpdate { Actor = "ops", ActiveUntil = new(null), Note = new(binding.Note) }, Ct)).Outcome);
        Assert.Equal(UpdateOutcome.NotFound, (await store.UpdateAsync("client-b", sha, new BindingUpdate { Actor = "ops", Note = new("x") }, Ct)).Outcome);
        var bad = await store.UpdateAsync("client-a", sha, new BindingUpdate { Actor = "ops", ActiveFrom = new(binding.NotAfter.AddDays(1)) }, Ct);
        Assert.Equal(UpdateOutcome.WindowInvalid, bad.Outcome);

        await store.RevokeAsync("client-a", sha, "ops", "compromised", Ct);
        Assert.Equal(UpdateOutcome.Revoked, (await store.UpdateAsync("client-a", sha, new BindingUpdate { Actor = "ops", Note = new("x") }, Ct)).Outcome);

        var stored = (await store.GetByCertificateAsync(sha, Ct))!;
        Assert.Equal(BindingStatus.Revoked, stored.Status);
        Assert.Equal(binding.Note, stored.Note);
        Assert.Equal(3, stored.Version);
        Assert.Single(await store.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Updated);
        Assert.Equal([BindingChangeKind.Register, BindingChangeKind.Update, BindingChangeKind.Revoke], (await store.ReadChangesAsync(0, Ct)).Changes.Select(c => c.Kind));
    }

    [Fact]
    public async Task A_row_stored_before_versions_reads_as_version_0_and_its_first_update_announces_and_stores_1()
    {
        var store = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await store.RegisterAsync(binding, Ct);
        await StripVersionAsync(binding.Sha256);
        Assert.Equal(0, (await store.GetByCertificateAsync(binding.Sha256, Ct))!.Version);
        var reader = new ReaderInstance(StoreFactory.Create(azurite, _table, null));
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));

        var result = await store.UpdateAsync("client-a", binding.Sha256, new BindingUpdate { Actor = "ops", ActiveUntil = new(DateTimeOffset.UtcNow.AddMinutes(-1)) }, Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Equal(1, result.Binding!.Version);
        Assert.Equal(1, (await store.ReadChangesAsync(1, Ct)).Changes.Single().Version);
        Assert.True(await reader.PollAsync());
        Assert.Empty(reader.Cache.Pending);
        Assert.False((await reader.LookupAsync(binding.Sha256))!.IsUsableAt(DateTimeOffset.UtcNow), "the old window outlived the update");
    }

    /// <summary>Rewrites a certificate row as code before decision 0014 stored it: without the Version property.</summary>
    private async Task StripVersionAsync(string sha256)
    {
        var client = new TableClient(azurite.ConnectionString, _table);
        var row = (await client.GetEntityAsync<TableEntity>("cert_" + sha256, "binding", cancellationToken: Ct)).Value;
        Assert.True(row.Remove("Version"));
        await client.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
    }

    private async Task<TableBindingStore> CreateAsync()
    {
        var store = StoreFactory.Create(azurite, _table, null);
        await store.InitializeAsync(Ct);
        return store;
    }
}
