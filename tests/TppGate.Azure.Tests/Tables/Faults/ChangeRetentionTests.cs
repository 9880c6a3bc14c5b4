using Azure.Core;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>Change-feed retention (issue 10 item 2): landed changes go, unlanded ones stay, readers see the gap.</summary>
public sealed class ChangeRetentionTests(AzuriteInstance azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retention_deletes_landed_changes_keeps_one_that_never_landed_and_a_reader_behind_it_sees_a_gap()
    {
        var faults = new StorageFaults();
        var store = StoreFactory.Create(azurite, AzuriteInstance.NewTableName(), faults);
        var first = StoreFactory.Binding("client-a");
        var second = StoreFactory.Binding("client-b");
        await store.RegisterAsync(first, Ct);
        await store.RevokeAsync("client-a", first.Sha256, "ops", "rotation", Ct);
        var stuck = StoreFactory.Binding("client-c");
        faults.Add(new Fault("certificate insert fails", (m, b) => m.Request.Method == RequestMethod.Post && b.Contains("\"PartitionKey\":\"cert_", StringComparison.Ordinal), FaultKind.Fail, count: 100));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.RegisterAsync(stuck, Ct));
        faults.Clear();
        await store.RegisterAsync(second, Ct);
        var head = (await store.ReadChangesAsync(0, Ct)).Position;

        Assert.Equal((0, 0), await store.DeleteResolvedChangesAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct));
        var (deleted, kept) = await store.DeleteResolvedChangesAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        Assert.Equal(3, deleted);
        Assert.Equal(1, kept);
        var remaining = await store.ReadChangesAsync(0, Ct);
        Assert.False(remaining.Complete);
        Assert.Equal(stuck.Sha256, Assert.Single(remaining.Changes).Sha256);
        Assert.Equal(head, remaining.Position);
        var upToDate = await store.ReadChangesAsync(head, Ct);
        Assert.True(upToDate.Complete);
        Assert.Empty(upToDate.Changes);
    }
}
