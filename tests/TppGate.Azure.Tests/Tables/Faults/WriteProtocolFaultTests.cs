using Azure.Core;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>
/// The register / revoke / change-feed protocol under injected storage faults (issue 13): a writer store and
/// a reader instance (cache + change watcher) on one Azurite table; the writer's requests pass through
/// <see cref="StorageFaults"/>.
/// </summary>
public sealed class WriteProtocolFaultTests(AzuriteInstance azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _table = AzuriteInstance.NewTableName();
    private readonly StorageFaults _writerFaults = new();
    private readonly StorageFaults _readerFaults = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool CertificateWrite(HttpMessage m, string body) => StorageFaults.IsWrite(m) && body.Contains("\"PartitionKey\":\"cert_", StringComparison.Ordinal);

    private static bool AuditOnlyWrite(HttpMessage m, string body)
        => StorageFaults.IsWrite(m) && body.Contains("\"RowKey\":\"audit_", StringComparison.Ordinal) && !body.Contains("\"RowKey\":\"cert_", StringComparison.Ordinal);

    private static bool IndexWrite(HttpMessage m, string body) => StorageFaults.IsWrite(m) && body.Contains("\"RowKey\":\"cert_", StringComparison.Ordinal);

    private static bool FeedQuery(HttpMessage m, string body) => StorageFaults.IsQuery(m) && m.Request.Uri.Query.Contains("filter", StringComparison.Ordinal);

    [Fact]
    public async Task Revocation_whose_certificate_write_lands_after_a_reader_reread_still_reaches_that_reader_when_the_audit_write_fails()
    {
        var (writer, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));

        var slowWrite = _writerFaults.Add(new Fault("certificate write held", (m, b) => m.Request.Method == RequestMethod.Put && CertificateWrite(m, b), FaultKind.Hold));
        _writerFaults.Add(new Fault("audit write fails", AuditOnlyWrite, FaultKind.Fail, count: 100));
        var revoke = writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);
        await slowWrite.Held.Task.WaitAsync(Patience, Ct);

        // The reader sees the revocation's change row and re-reads the certificate before the write lands.
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"), "not revoked yet: allowed");
        slowWrite.Gate.SetResult();
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => revoke);
        _writerFaults.Clear();
        var retry = await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);
        Assert.Equal(BindingStatus.Revoked, retry.Binding!.Status);

        Assert.True(await reader.PollAsync());
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"), "the committed revocation never reached the reader");
    }

    [Fact]
    public async Task Registration_whose_certificate_insert_lands_after_a_reader_reread_still_reaches_that_reader_when_the_index_write_fails()
    {
        var (writer, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        Assert.True(await reader.PollAsync());

        var slowInsert = _writerFaults.Add(new Fault("certificate insert held", (m, b) => m.Request.Method == RequestMethod.Post && CertificateWrite(m, b), FaultKind.Hold));
        _writerFaults.Add(new Fault("index and audit fail", IndexWrite, FaultKind.Fail, count: 100));
        var register = writer.RegisterAsync(binding, Ct);
        await slowInsert.Held.Task.WaitAsync(Patience, Ct);

        Assert.True(await reader.PollAsync());
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"), "not bound yet");
        slowInsert.Gate.SetResult();
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => register);
        _writerFaults.Clear();
        await writer.RegisterAsync(binding, Ct);

        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"), "the committed registration never reached the reader");
    }

    [Fact]
    public async Task Revocation_during_a_feed_outage_longer_than_the_look_back_reaches_the_reader_when_the_feed_is_back()
    {
        var (writer, reader) = await CreateAsync(new AuthorizerOptions { ChangeLookBack = TimeSpan.FromSeconds(1) });
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        Assert.True(await reader.PollAsync());
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));

        _readerFaults.Add(new Fault("feed unreachable", FeedQuery, FaultKind.Fail, count: 1000));
        Assert.False(await reader.PollAsync());
        await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        _readerFaults.Clear();

        Assert.True(await reader.PollAsync());
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"), "the revocation made during the gap was never seen");
    }

    [Fact]
    public async Task Binding_read_before_the_first_feed_read_is_not_trusted_after_a_revocation_in_between()
    {
        var (writer, reader) = await CreateAsync(new AuthorizerOptions { ChangeLookBack = TimeSpan.FromSeconds(1) });
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);

        // Start-up: a request arrives before the watcher's first read of the feed.
        Assert.True(await reader.AllowsAsync(binding.Sha256, "client-a"));
        await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        Assert.True(await reader.PollAsync());
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"), "a binding cached before the first feed read outlived its revocation");
    }

    [Fact]
    public async Task Lost_responses_of_every_write_are_this_calls_success_with_one_audit_row_each()
    {
        var (writer, reader) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        Assert.True(await reader.PollAsync());
        var n = 0;
        _writerFaults.Add(new Fault("every other write loses its response", (m, _) => StorageFaults.IsWrite(m) && Interlocked.Increment(ref n) % 2 == 1, FaultKind.DropResponse, count: 10_000));

        Assert.Equal(RegisterOutcome.Created, (await writer.RegisterAsync(binding, Ct)).Outcome);
        Assert.Equal(RegisterOutcome.BoundElsewhere, (await writer.RegisterAsync(binding with { ClientId = "client-b" }, Ct)).Outcome);
        Assert.Equal(RevokeOutcome.Revoked, (await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct)).Outcome);

        _writerFaults.Clear();
        var audit = await writer.GetAuditAsync("client-a", Ct);
        Assert.Equal([AuditAction.Registered, AuditAction.Revoked], audit.Select(a => a.Action));
        Assert.Equal(binding.Note, audit[0].Reason);
        Assert.Single(await writer.GetAuditAsync("client-b", Ct), a => a.Action == AuditAction.Refused);
        Assert.True(await reader.PollAsync());
        Assert.False(await reader.AllowsAsync(binding.Sha256, "client-a"));
        Assert.True(_writerFaults.Requests > 0);
    }

    [Fact]
    public async Task AlreadyRevoked_repairs_the_index_and_audit_rows_an_interrupted_registration_and_revocation_left_out()
    {
        var (writer, _) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        _writerFaults.Add(new Fault("index and audit fail", IndexWrite, FaultKind.Fail, count: 1000));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.RegisterAsync(binding, Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct));
        _writerFaults.Clear();

        Assert.Equal(RevokeOutcome.AlreadyRevoked, (await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct)).Outcome);

        Assert.Equal(BindingStatus.Revoked, Assert.Single(await writer.GetByClientAsync("client-a", Ct)).Status);
        var audit = await writer.GetAuditAsync("client-a", Ct);
        Assert.Contains(audit, a => a.Action == AuditAction.Registered);
        Assert.Single(audit, a => a.Action == AuditAction.Revoked);
    }

    [Fact]
    public async Task Blocked_registration_repairs_the_index_row_an_interrupted_registration_left_out()
    {
        var (writer, _) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        _writerFaults.Add(new Fault("index and audit fail", IndexWrite, FaultKind.Fail, count: 1000));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.RegisterAsync(binding, Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct));
        _writerFaults.Clear();

        Assert.Equal(RegisterOutcome.Blocked, (await writer.RegisterAsync(binding, Ct)).Outcome);

        Assert.Equal(BindingStatus.Revoked, Assert.Single(await writer.GetByClientAsync("client-a", Ct)).Status);
        Assert.Contains(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Revoked);
    }

    [Fact]
    public async Task Revocation_whose_audit_write_failed_gets_its_audit_row_when_retried()
    {
        var (writer, _) = await CreateAsync();
        var binding = StoreFactory.Binding("client-a");
        await writer.RegisterAsync(binding, Ct);
        _writerFaults.Add(new Fault("audit write fails", AuditOnlyWrite, FaultKind.Fail, count: 1000));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct));
        _writerFaults.Clear();
        Assert.DoesNotContain(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Revoked);

        await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);
        await writer.RevokeAsync("client-a", binding.Sha256, "ops", "compromised", Ct);

        var revoked = Assert.Single(await writer.GetAuditAsync("client-a", Ct), a => a.Action == AuditAction.Revoked);
        Assert.Equal("compromised", revoked.Reason);
        Assert.Equal(BindingStatus.Revoked, revoked.After!.Status);
    }

    [Fact]
    public async Task An_up_to_date_reader_reads_only_the_feed_head_when_nothing_changed()
    {
        var (writer, reader) = await CreateAsync();
        for (var i = 0; i < 15; i++)
        {
            var binding = StoreFactory.Binding("client-" + i);
            await writer.RegisterAsync(binding, Ct);
            await writer.RevokeAsync(binding.ClientId, binding.Sha256, "ops", "rotation", Ct);
        }

        Assert.True(await reader.PollAsync());
        var before = _readerFaults.EntitiesRead;
        var requests = _readerFaults.Requests;
        Assert.True(await reader.PollAsync());

        Assert.InRange(_readerFaults.EntitiesRead - before, 0, 1);
        Assert.Equal(1, _readerFaults.Requests - requests);
    }

    private async Task<(global::TppGate.Azure.Tables.TableBindingStore Writer, ReaderInstance Reader)> CreateAsync(AuthorizerOptions? options = null)
    {
        var writer = StoreFactory.Create(azurite, _table, _writerFaults);
        var readerStore = StoreFactory.Create(azurite, _table, _readerFaults);
        await writer.InitializeAsync(Ct);
        return (writer, new ReaderInstance(readerStore, options));
    }
}
