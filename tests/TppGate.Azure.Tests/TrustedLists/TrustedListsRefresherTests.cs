using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tests.KeyVault;
using TppGate.Azure.TrustedLists;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Azure.Tests.TrustedLists;

/// <summary>
/// The scheduled run end to end: lists served over HTTP on loopback, the anchors written into the local Key Vault
/// double. Downloads have timeouts, size caps and retries; a run whose LOTL cannot be had changes nothing.
/// </summary>
public sealed class TrustedListsRefresherTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestListSigner _lotlSigner = TestListSigner.Create("LOTL signer", Now.AddYears(-1), Now.AddYears(2));
    private readonly TestListSigner _ptSigner = TestListSigner.Create("PT operator", Now.AddYears(-1), Now.AddYears(2));
    private readonly X509Certificate2 _root = TestCertificates.CreateRoot("QTSP root");
    private readonly X509Certificate2 _qwacCa;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new();
    private readonly ConcurrentQueue<string> _hits = new();
    private readonly TrustedListsOptions _options = new() { RequireHttps = false, DownloadTimeout = TimeSpan.FromSeconds(5), DownloadRetries = 2 };
    private WebApplication _web = null!;
    private FakeKeyVaultServer _vault = null!;
    private TrustedListsRefresher _refresher = null!;
    private string _base = string.Empty;

    public TrustedListsRefresherTests() => _qwacCa = TestCertificates.CreateIntermediate("QWAC CA", _root);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _web = builder.Build();
        _web.Run(async context =>
        {
            _hits.Enqueue(context.Request.Path);
            if (_routes.TryGetValue(context.Request.Path, out var handler))
            {
                await handler(context);
                return;
            }

            context.Response.StatusCode = 404;
        });
        await _web.StartAsync(TestContext.Current.CancellationToken);
        _base = _web.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        _vault = await FakeKeyVaultServer.StartAsync(TestContext.Current.CancellationToken);
        var anchorOptions = new KeyVaultTrustAnchorOptions { VaultUri = _vault.VaultUri, MaxRetries = 0 };
        var writer = new KeyVaultAnchorWriter(_vault.CreateClient(new StaticTokenCredential(), KeyVaultClientOptions.Create(anchorOptions)), anchorOptions, NullLogger<KeyVaultAnchorWriter>.Instance);
        _options.LotlUrl = new Uri(_base + "/eu-lotl.xml");
        _options.LotlSigners.Add(_lotlSigner.Certificate.ExportCertificatePem());
        _refresher = new TrustedListsRefresher(new TrustedListDownloader(new HttpClient(), _options), writer, Options.Create(_options), new FakeTimeProvider(Now), NullLogger<TrustedListsRefresher>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        await _vault.DisposeAsync();
    }

    public void Dispose()
    {
        _lotlSigner.Dispose();
        _ptSigner.Dispose();
        _qwacCa.Dispose();
        _root.Dispose();
    }

    private void Serve(string path, byte[] body) => _routes[path] = c => c.Response.Body.WriteAsync(body).AsTask();

    private void ServeLists(long ptSequence = 20)
    {
        Serve("/eu-lotl.xml", TestTrustedList.Lotl(300, _lotlSigner)
            .AddPointer("PT", TrustedListUris.NationalListType, _base + "/PT.xml", [_ptSigner.Der])
            .Sign(_lotlSigner));
        Serve("/PT.xml", new TestTrustedList { Territory = "PT", Sequence = ptSequence }.AddQwacCa("TSP", "QWAC CA", _qwacCa).Sign(_ptSigner));
    }

    private int Hits(string path) => _hits.Count(h => h == path);

    [Fact]
    public async Task A_run_downloads_the_LOTL_and_the_lists_it_points_to_and_writes_their_anchors()
    {
        ServeLists();

        var result = await _refresher.RunAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error ?? result.Import?.Lotl.Detail);
        Assert.Equal(1, result.Added);
        Assert.Single(_vault.All, s => s.Name.StartsWith("tl-", StringComparison.Ordinal) && s.Enabled);
    }

    [Fact]
    public async Task An_unavailable_LOTL_is_retried_then_the_run_changes_nothing()
    {
        _routes["/eu-lotl.xml"] = c =>
        {
            c.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        var result = await _refresher.RunAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Contains("HTTP 503", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, Hits("/eu-lotl.xml"));
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public async Task A_list_over_the_size_cap_or_too_slow_is_refused_and_its_territory_keeps_its_anchors()
    {
        ServeLists();
        Assert.True((await _refresher.RunAsync(TestContext.Current.CancellationToken)).Succeeded);
        _options.MaxListBytes = 64 * 1024;
        _routes["/PT.xml"] = c => c.Response.Body.WriteAsync(new byte[100 * 1024]).AsTask();

        var oversize = await _refresher.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(TrustedListRefusal.Unavailable, oversize.Import!.Lists.Single().Refusal);
        Assert.Contains("more than", oversize.Import.Lists.Single().Detail, StringComparison.Ordinal);
        Assert.Single(_vault.All, s => s.Name.StartsWith("tl-", StringComparison.Ordinal) && s.Enabled);

        _options.DownloadTimeout = TimeSpan.FromMilliseconds(200);
        _options.DownloadRetries = 1;
        _routes["/PT.xml"] = async c => await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);

        var slow = await _refresher.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(TrustedListRefusal.Unavailable, slow.Import!.Lists.Single().Refusal);
        Assert.Contains("timed out", slow.Import.Lists.Single().Detail, StringComparison.Ordinal);
        Assert.Single(_vault.All, s => s.Name.StartsWith("tl-", StringComparison.Ordinal) && s.Enabled);
    }

    [Fact]
    public async Task Pivots_on_another_host_than_the_LOTL_are_never_fetched()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var foreign = $"http://localhost:{((IPEndPoint)listener.LocalEndpoint).Port}/eu-lotl-pivot-1.xml";
        Serve("/eu-lotl.xml", TestTrustedList.Lotl(300, _lotlSigner).AddSchemeUri(foreign).AddSchemeUri(_base + "/eu-lotl-pivot-2.xml").Sign(_lotlSigner));

        await _refresher.RunAsync(TestContext.Current.CancellationToken);

        Assert.False(listener.Pending(), "a pivot on a foreign host was fetched");
        Assert.Equal(1, Hits("/eu-lotl-pivot-2.xml"));
    }
}
