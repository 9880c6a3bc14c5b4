using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TppGate.Azure.Revocation;
using TppGate.Core.Eidas;
using TppGate.Core.Trust.Revocation;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Http.Hosting;
using TppGate.Pki;
using TppGate.Testing.Azurite;
using TppGate.Testing.Revocation;
using TppGate.Testing.Waiting;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// The two Function Apps sharing CRLs through the Blob CRL store (decision 0016), composed by
/// <see cref="TppGateFunctionsApp.Configure"/> with the CrlStore settings the Bicep gives them, on Azurite: a CRL
/// the admin app fetched while registering a QWAC is known to the authorizer's next refresher round, before any
/// request for that QWAC reached the authorizer, and without the authorizer downloading it.
/// </summary>
public sealed class SharedCrlStoreTests(AzuriteInstance azurite) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly CrlServer _server = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task After_a_registration_on_the_admin_app_the_authorizers_refresher_round_has_that_qwacs_crl_without_a_download()
    {
        var catalogue = CertificateCatalogue.Shared;
        var url = _server.NewUrl();
        var qwac = catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"shared-crl-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with { CrlDistributionPoint = url });
        _server.Publish(url, catalogue.IssuingCa.PublishCrl([], DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1)));
        var container = AzuriteInstance.NewContainerName("crl");
        var table = AzuriteInstance.NewTableName("fn");
        await using var admin = await FunctionsAppHost.StartAsync(Settings(container, table, "Admin"), addServices: UseTheBlobStore);
        await using var authorizer = await FunctionsAppHost.StartAsync(Settings(container, table, "Authorizer"), addServices: UseTheBlobStore);
        Assert.IsType<BlobCrlStore>(authorizer.Services.GetRequiredService<ICrlStore>());

        var register = await admin.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole)],
            JsonSerializer.Serialize(new { clientId = $"shared-crl-{Guid.NewGuid():N}", certificate = PkiExport.CertificatePem(qwac) }));
        Assert.Equal(201, register.Status);
        Assert.Equal(1, _server.Requests);

        var refresher = authorizer.Services.GetServices<IHostedService>().OfType<CrlRefresherService>().Single();
        var cache = authorizer.Services.GetRequiredService<CrlCache>();
        var issuer = X509CertificateLoader.LoadCertificate(catalogue.IssuingCa.Certificate.RawData);
        Assert.Equal(RevocationState.Unknown, cache.Check(qwac, issuer, allowFetch: false).State);

        // The registration's write to the store does not hold the request; the refresher finds it once it landed.
        Assert.True(await Eventually.WithinAsync(Bound, async () =>
        {
            await refresher.RefreshOnceAsync(TestContext.Current.CancellationToken);
            return cache.Check(qwac, issuer, allowFetch: false).State == RevocationState.Good;
        }));
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task An_http_blob_service_uri_stops_the_app_at_start_naming_the_setting()
    {
        var settings = AppService.Settings(azurite);
        settings["CrlStore:BlobServiceUri"] = "http://account.blob.example.test";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => FunctionsAppHost.StartAsync(settings));

        Assert.Contains("CrlStore:BlobServiceUri must be an absolute https URI", error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(string container, string table, string surface)
    {
        var settings = AppService.Settings(azurite, surface);
        settings["Bindings:TableName"] = table;
        settings["CrlStore:ConnectionString"] = azurite.ConnectionString;
        settings["CrlStore:ContainerName"] = container;
        return settings;
    }

    // FunctionsAppHost seeds an in-memory store with the catalogue's CRLs; this test wants the composition's own.
    private static void UseTheBlobStore(IServiceCollection services)
        => services.AddSingleton<ICrlStore>(provider => provider.GetRequiredService<BlobCrlStore>());
}
