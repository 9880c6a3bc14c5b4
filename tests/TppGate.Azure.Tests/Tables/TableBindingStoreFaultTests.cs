using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TppGate.Azure.Tables;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

/// <summary>
/// Stops and starts its own Azurite (a class fixture, not the assembly's), so the other tests keep theirs.
/// </summary>
public sealed class TableBindingStoreFaultTests(TableBindingStoreFaultTests.OwnAzurite azurite) : IClassFixture<TableBindingStoreFaultTests.OwnAzurite>
{
    // Generous against a loaded build machine; a store without tight timeouts takes far longer than this.
    private static readonly TimeSpan AboutASecond = TimeSpan.FromSeconds(2.5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopped_storage_is_unavailable_quickly_and_the_data_is_back_after_restart()
    {
        Assert.SkipUnless(azurite.Instance.CanStop, "An external Azurite cannot be stopped.");
        var store = StoreFactory.Create(azurite.Instance);
        var binding = StoreFactory.Binding("client-a");
        await store.RegisterAsync(binding, Ct);

        await azurite.StopAsync(Ct);
        try
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetByCertificateAsync(binding.Sha256, Ct));
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, AboutASecond);
            await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.RegisterAsync(StoreFactory.Binding("client-b"), Ct));
            await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.ReadChangesAsync(-1, Ct));
        }
        finally
        {
            await azurite.StartAsync(Ct);
        }

        Assert.Equal("client-a", (await store.GetByCertificateAsync(binding.Sha256, Ct))!.ClientId);
    }

    [Fact]
    public async Task Storage_that_accepts_but_never_answers_is_unavailable_within_about_a_second()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Socket>();
        var acceptLoop = Task.Run(async () =>
        {
            while (!Ct.IsCancellationRequested)
            {
                accepted.Add(await silent.AcceptSocketAsync(Ct));
            }
        }, Ct);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new TableBindingStoreOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AzuriteInstance.AccountName}",
            CreateTableIfNotExists = false,
        };
        var store = new TableBindingStore(
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, TableBindingStore.CreateHotPathClientOptions(options)),
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, TableBindingStore.CreateAdminClientOptions(options)),
            Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TableBindingStore>.Instance);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, AboutASecond);
        Assert.NotEmpty(accepted);
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_unavailable_storage()
    {
        var store = StoreFactory.Create(azurite.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetByCertificateAsync(StoreFactory.RandomSha256(), cancelled.Token));
    }

    /// <summary>An Azurite of this class's own.</summary>
    public sealed class OwnAzurite : IAsyncLifetime
    {
        private readonly AzuriteInstance _instance = new();

        public AzuriteInstance Instance => _instance;

        public ValueTask InitializeAsync() => _instance.InitializeAsync();

        public ValueTask DisposeAsync() => _instance.DisposeAsync();

        public Task StopAsync(CancellationToken cancellationToken) => _instance.StopAsync(cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => _instance.StartAsync(cancellationToken);

    }
}
