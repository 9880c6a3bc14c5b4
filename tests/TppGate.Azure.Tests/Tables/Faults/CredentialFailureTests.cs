using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>A managed identity that cannot get a token: the store is unavailable, never a crash (issue 13 item 4).</summary>
public sealed class CredentialFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_credential_failure_is_unavailable_storage_on_every_call()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.RegisterAsync(StoreFactory.Binding("client-a"), Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.RevokeAsync("client-a", StoreFactory.RandomSha256(), "ops", "test", Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetByClientAsync("client-a", Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.ReadChangesAsync(-1, Ct));
    }

    [Fact]
    public async Task The_change_watcher_survives_a_credential_failure_and_the_cache_is_not_fresh()
    {
        var reader = new ReaderInstance(CreateStore());

        Assert.False(await reader.PollAsync());

        Assert.NotNull(reader.Watcher.LastError);
        Assert.False(reader.Cache.IsFresh);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1")]
    [InlineData("http://account.table.core.windows.net")]
    public void An_http_table_service_uri_is_refused_at_start_up(string uri)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Bindings:TableServiceUri"] = uri }).Build();
        using var provider = new ServiceCollection().AddLogging().AddTableBindingStore(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TableBindingStoreOptions>>().Value);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    private static TableBindingStore CreateStore()
    {
        // Nothing listens on port 1: the request would fail anyway, but the token is asked for first.
        var options = new TableBindingStoreOptions { TableServiceUri = new Uri("https://127.0.0.1:1/devstoreaccount1"), AdminMaxRetries = 0, HotPathMaxRetries = 0 };
        var credential = new FailingManagedIdentity();
        return new TableBindingStore(
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, TableBindingStore.CreateHotPathClientOptions(options), credential),
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, TableBindingStore.CreateAdminClientOptions(options), credential),
            Options.Create(options),
            NullLogger<TableBindingStore>.Instance);
    }

    /// <summary>Fails the way ManagedIdentityCredential does when the identity endpoint refuses.</summary>
    private sealed class FailingManagedIdentity : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => throw new AuthenticationFailedException("ManagedIdentityCredential authentication failed: the identity endpoint refused.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => throw new AuthenticationFailedException("ManagedIdentityCredential authentication failed: the identity endpoint refused.");
    }
}
