using System.Security.Cryptography.X509Certificates;
using Azure.Storage.Blobs.Models;
using TppGate.Azure.Revocation;
using TppGate.Core.Authorization;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;
using TppGate.Testing.Azurite;
using TppGate.Testing.Revocation;
using TppGate.Testing.Waiting;

namespace TppGate.Azure.Tests.Revocation;

/// <summary>
/// Two CRL caches ("instances") sharing the Blob CRL store on Azurite, with CRLs served over real HTTP on loopback:
/// what one instance fetched, the other serves without the network, still verified against the issuer; a store
/// that is down is a cache miss, and the request still gets its one bounded fetch.
/// </summary>
public sealed class SharedCrlCacheTests(AzuriteInstance azurite) : IAsyncDisposable
{
    private static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(20);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CrlServer _server = new();
    private readonly string _container = AzuriteInstance.NewContainerName();
    private QtspAuthority? _root;
    private QtspAuthority? _issuing;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QtspAuthority Root => _root ??= QtspAuthority.CreateRoot("Shared CRL Test Root", _now.AddYears(-1), _now.AddYears(5));

    private QtspAuthority Issuing => _issuing ??= Root.CreateIssuingCa("Shared CRL Test Issuing CA", pathLength: 1);

    public async ValueTask DisposeAsync()
    {
        _issuing?.Dispose();
        _root?.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task What_instance_a_fetched_instance_b_serves_from_the_store_without_the_network_and_a_tampered_blob_is_refused()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        _server.Publish(url, Issuing.PublishCrl([leaf], _now.AddHours(-1), _now.AddDays(1)));
        var blob = CrlStores.Container(azurite, _container).GetBlobClient(BlobCrlStore.BlobNameOf(url));

        Assert.Equal([ChainFailure.Revoked], Instance(CrlStores.Create(azurite, _container)).Validate(leaf).Failures);
        Assert.Equal(1, _server.Requests);

        // The request did not wait for the write; the store has it shortly after.
        Assert.True(await Eventually.WithinAsync(WriteBound, async () => (await blob.ExistsAsync(Ct)).Value));
        Assert.Equal([ChainFailure.Revoked], Instance(CrlStores.Create(azurite, _container)).Validate(leaf).Failures);
        Assert.Equal(1, _server.Requests);

        // A newer CRL that lists nothing, signed by a look-alike CA with the same name: the store serves it, the
        // cache refuses it (its signature does not verify with the issuer's key) and goes to the network, which
        // has the genuine CRL: still revoked.
        using var lookAlikeRoot = QtspAuthority.CreateRoot("Shared CRL Test Root", _now.AddYears(-1), _now.AddYears(5));
        using var lookAlike = lookAlikeRoot.CreateIssuingCa("Shared CRL Test Issuing CA", pathLength: 1);
        var forged = lookAlike.PublishCrl([], _now.AddMinutes(-5), _now.AddDays(1), 99);
        var metadata = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata;
        metadata[BlobCrlStore.ThisUpdateKey] = _now.AddMinutes(-5).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await blob.UploadAsync(BinaryData.FromBytes(forged), new BlobUploadOptions { Metadata = metadata }, Ct);
        Assert.Equal(forged, await CrlStores.Create(azurite, _container).GetAsync(url, Ct));

        Assert.Equal([ChainFailure.Revoked], Instance(CrlStores.Create(azurite, _container)).Validate(leaf).Failures);
        Assert.Equal(2, _server.Requests);
    }

    [Fact]
    public async Task A_tampered_blob_and_no_network_leave_revocation_unknown_never_good()
    {
        var url = CrlServer.ClosedUrl();
        var leaf = Leaf(url);
        using var lookAlikeRoot = QtspAuthority.CreateRoot("Shared CRL Test Root", _now.AddYears(-1), _now.AddYears(5));
        using var lookAlike = lookAlikeRoot.CreateIssuingCa("Shared CRL Test Issuing CA", pathLength: 1);
        var writer = CrlStores.Create(azurite, _container);
        await writer.PutAsync(url, lookAlike.PublishCrl([], _now.AddMinutes(-5), _now.AddDays(1)), Ct);
        Assert.NotNull(await writer.GetAsync(url, Ct));

        var result = Instance(CrlStores.Create(azurite, _container)).Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
    }

    [Fact]
    public void A_store_that_is_down_is_a_cache_miss_and_the_request_still_gets_its_bounded_fetch()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        _server.Publish(url, Issuing.PublishCrl([leaf], _now.AddHours(-1), _now.AddDays(1)));
        var down = CrlStores.Create(CrlStores.DownConnectionString(), _container, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(1));

        var result = Instance(down).Validate(leaf);

        Assert.Equal([ChainFailure.Revoked], result.Failures);
        Assert.Equal(1, _server.Requests);
    }

    private ChainValidator Instance(ICrlStore store)
    {
        var options = new ChainValidationOptions { RevocationTimeout = TimeSpan.FromSeconds(10) };
        var cache = new CrlCache(options, TimeProvider.System, new HttpCrlDownloader(options), store);
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet(
            [X509CertificateLoader.LoadCertificate(Root.Certificate.RawData), X509CertificateLoader.LoadCertificate(Issuing.Certificate.RawData)], _now, "test"));
        return new ChainValidator(anchors, options, TimeProvider.System, cache);
    }

    private X509Certificate2 Leaf(string url) => Issuing.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
    {
        NotBefore = _now.AddDays(-10),
        NotAfter = _now.AddDays(300),
        CrlDistributionPoint = url,
    });
}
