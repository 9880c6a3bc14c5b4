using System.Security.Cryptography.X509Certificates;
using Azure.Storage.Blobs.Models;
using TppGate.Azure.Revocation;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Revocation;

/// <summary>
/// The shared CRL store against Azurite's real blob service (decision 0016): what one writer stores another reads,
/// an older CRL never replaces a newer one (also when two writers race), an oversize blob is refused, and a store
/// that is down or refuses the credential is "nothing stored", never an exception.
/// </summary>
public sealed class BlobCrlStoreTests(AzuriteInstance azurite) : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly QtspAuthority _root = QtspAuthority.CreateRoot("Blob CRL Store Test Root", Now.AddYears(-1), Now.AddYears(5));
    private readonly string _container = AzuriteInstance.NewContainerName();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_crl_stored_by_one_store_is_read_and_listed_by_another_with_its_url_and_this_update_in_metadata()
    {
        var url = NewUrl();
        var crl = Crl(Now.AddHours(-1));

        await CrlStores.Create(azurite, _container).PutAsync(url, crl, Ct);
        var other = CrlStores.Create(azurite, _container);

        Assert.Equal(crl, await other.GetAsync(url, Ct));
        Assert.Contains(url, await other.GetUrlsAsync(Ct));
        Assert.Null(await other.GetAsync(NewUrl(), Ct));
        var properties = (await CrlStores.Container(azurite, _container).GetBlobClient(BlobCrlStore.BlobNameOf(url)).GetPropertiesAsync(cancellationToken: Ct)).Value;
        Assert.Equal(url, Uri.UnescapeDataString(properties.Metadata[BlobCrlStore.UrlKey]));
        Assert.Equal(RevocationList.ReadThisUpdate(crl), DateTimeOffset.Parse(properties.Metadata[BlobCrlStore.ThisUpdateKey], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("application/pkix-crl", properties.ContentType);
    }

    [Fact]
    public async Task An_older_crl_never_replaces_a_newer_one_and_a_newer_one_replaces_an_older_one()
    {
        var url = NewUrl();
        var older = Crl(Now.AddHours(-2));
        var newer = Crl(Now.AddHours(-1));
        var newest = Crl(Now.AddMinutes(-30));
        var store = CrlStores.Create(azurite, _container);

        await store.PutAsync(url, newer, Ct);
        await store.PutAsync(url, older, Ct);
        Assert.Equal(newer, await store.GetAsync(url, Ct));

        await store.PutAsync(url, newest, Ct);
        Assert.Equal(newest, await store.GetAsync(url, Ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_writers_racing_leave_the_newer_crl_stored_whichever_writes_last(bool blobExisted)
    {
        var url = NewUrl();
        if (blobExisted)
        {
            await CrlStores.Create(azurite, _container).PutAsync(url, Crl(Now.AddHours(-3)), Ct);
        }

        // Writer A has read the blob's state and is about to write an older CRL; writer B writes a newer one first.
        var hold = new HoldFirstUpload();
        var writerA = CrlStores.Create(azurite, _container, hold);
        var writerB = CrlStores.Create(azurite, _container);
        var older = Crl(Now.AddHours(-2));
        var newer = Crl(Now.AddHours(-1));
        var a = writerA.PutAsync(url, older, Ct);
        await hold.Held.Task.WaitAsync(Ct);
        await writerB.PutAsync(url, newer, Ct);
        hold.Gate.SetResult();
        await a;

        // A's write was conditional on what it had read (If-None-Match * or If-Match its ETag): it failed, A read
        // again, saw a newer CRL and kept it. An unconditional write would have left the older one.
        Assert.Equal(newer, await writerB.GetAsync(url, Ct));
        Assert.Equal(1, hold.Uploads);
    }

    [Fact]
    public async Task A_blob_larger_than_the_cap_is_nothing_stored_and_so_is_a_crl_over_the_cap()
    {
        var url = NewUrl();
        var container = CrlStores.Container(azurite, _container);
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await container.GetBlobClient(BlobCrlStore.BlobNameOf(url)).UploadAsync(
            BinaryData.FromBytes(new byte[64 * 1024]),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { [BlobCrlStore.UrlKey] = Uri.EscapeDataString(url) } },
            Ct);
        var capped = CrlStores.Create(azurite, _container, configure: o => o.MaxCrlBytes = 16 * 1024);

        Assert.Null(await capped.GetAsync(url, Ct));

        var other = NewUrl();
        var crl = Crl(Now.AddHours(-1));
        await CrlStores.Create(azurite, _container, configure: o => o.MaxCrlBytes = crl.Length - 1).PutAsync(other, crl, Ct);
        Assert.Null(await CrlStores.Create(azurite, _container).GetAsync(other, Ct));
    }

    [Fact]
    public async Task A_blob_whose_metadata_names_another_url_is_not_served_or_listed()
    {
        var url = NewUrl();
        var container = CrlStores.Container(azurite, _container);
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await container.GetBlobClient(BlobCrlStore.BlobNameOf(url)).UploadAsync(
            BinaryData.FromBytes(Crl(Now.AddHours(-1))),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { [BlobCrlStore.UrlKey] = Uri.EscapeDataString(NewUrl()) } },
            Ct);
        var store = CrlStores.Create(azurite, _container);

        Assert.Null(await store.GetAsync(url, Ct));
        Assert.Empty(await store.GetUrlsAsync(Ct));
    }

    [Fact]
    public async Task A_store_that_is_down_reads_nothing_lists_nothing_and_writes_without_throwing()
    {
        var down = CrlStores.Create(CrlStores.DownConnectionString(), _container, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(5));

        Assert.Null(await down.GetAsync(NewUrl(), Ct));
        Assert.Empty(await down.GetUrlsAsync(Ct));
        await down.PutAsync(NewUrl(), Crl(Now.AddHours(-1)), Ct);
    }

    [Fact]
    public async Task A_credential_that_fails_is_nothing_stored()
    {
        var options = new BlobCrlStoreOptions { BlobServiceUri = new Uri("https://127.0.0.1:9/devstoreaccount1"), ContainerName = _container, OperationTimeout = TimeSpan.FromSeconds(5) };
        var store = new BlobCrlStore(
            BlobCrlStoreServiceCollectionExtensions.CreateClient(options, BlobCrlStore.CreateClientOptions(options), new RefusingCredential()),
            Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BlobCrlStore>.Instance);

        Assert.Null(await store.GetAsync(NewUrl(), Ct));
        await store.PutAsync(NewUrl(), Crl(Now.AddHours(-1)), Ct);
        Assert.Empty(await store.GetUrlsAsync(Ct));
    }

    private static string NewUrl() => $"http://crl.example.test/{Guid.NewGuid():N}.crl";

    private byte[] Crl(DateTimeOffset thisUpdate, params X509Certificate2[] revoked) => _root.PublishCrl(revoked, thisUpdate, thisUpdate.AddDays(7));

    private sealed class RefusingCredential : global::Azure.Core.TokenCredential
    {
        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
            => throw new global::Azure.Identity.CredentialUnavailableException("no identity here");

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
            => throw new global::Azure.Identity.CredentialUnavailableException("no identity here");
    }
}
