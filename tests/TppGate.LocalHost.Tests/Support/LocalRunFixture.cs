using TppGate.Testing.Revocation;
using TppGate.Testing.Logging;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TppGate.Http.Tokens;
using TppGate.Core.Trust.Revocation;
using TppGate.LocalHost.Hosting;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>
/// A real local run for tests: Kestrel on free loopback ports with required client certificates, its own
/// Azurite, trust anchors = the test catalogue's QTSP root and issuing CA, and a trusted forwarder ("apim").
/// </summary>
public sealed class LocalRunFixture : IAsyncLifetime
{
    /// <summary>The catalogue certificate the fixture's forwarder (a stand-in for APIM) presents.</summary>
    public static readonly CatalogueCertificate ForwarderCertificate = CatalogueCertificate.QwacAs;

    private readonly string _data = Directory.CreateTempSubdirectory("tppgate-local-").FullName;
    private readonly List<LocalRun> _runs = [];

    public LocalRun Run => _runs[0];

    /// <summary>The OpenID authority the first host verifies bearer tokens against.</summary>
    public TokenAuthority Tokens { get; private set; } = null!;

    /// <summary>Every log message of the first host.</summary>
    public LogCapture Logs { get; } = new();

    public CertificateCatalogue Catalogue => CertificateCatalogue.Shared;

    /// <summary>The catalogue's CRLs, shared by every host of the fixture (revocation is on, as by default).</summary>
    public InMemoryCrlStore Crls { get; } = CatalogueCrls.Store();

    public async ValueTask InitializeAsync()
    {
        var anchors = Path.Combine(_data, "anchors.pem");
        await File.WriteAllTextAsync(anchors, PkiExport.CertificatesPem([Catalogue.Root.Certificate, Catalogue.IssuingCa.Certificate, Catalogue.RsaIssuingCa.Certificate]));
        Tokens = await TokenAuthority.StartAsync();
        _runs.Add(await StartAsync(
            new Dictionary<string, string?>
            {
                ["Local:DataPath"] = Path.Combine(_data, "a"),
                ["Local:AzuriteTablePort"] = "0",
                ["Local:AzuriteBlobPort"] = "0",
                ["TrustAnchors:Path"] = anchors,
                ["Authorizer:Tokens:Authority"] = Tokens.Issuer,
                ["Authorizer:Tokens:Audiences:0"] = TokenAuthority.Audience,
            },
            b =>
            {
                b.Services.AddKeyedSingleton(OpenIdAccessTokenValidator.MetadataHandlerKey, (_, _) => Tokens.MetadataHandler());
                b.Logging.AddProvider(Logs);
            }));
    }

    /// <summary>Starts another host on the same Azurite and table (for propagation tests).</summary>
    public async Task<LocalRun> StartSecondHostAsync()
    {
        var run = await StartAsync(new Dictionary<string, string?>
        {
            ["Local:DataPath"] = Path.Combine(_data, "b" + _runs.Count),
            ["Local:StartAzurite"] = "false",
            ["Local:AdminKey"] = Run.AdminKey,
            ["Bindings:ConnectionString"] = Run.Azurite!.ConnectionString,
            ["CrlStore:ConnectionString"] = Run.Azurite!.ConnectionString,
            ["TrustAnchors:Path"] = Path.Combine(_data, "anchors.pem"),
        });
        _runs.Add(run);
        return run;
    }

    private async Task<LocalRun> StartAsync(Dictionary<string, string?> settings, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var forwarderSha256 = PkiExport.Sha256Hex(Catalogue[ForwarderCertificate]);
        settings["Local:AuthorizerPort"] = "0";
        settings["Local:AdminPort"] = "0";
        settings["Local:CrlPort"] = "0";
        settings["Authorizer:Request:TrustedForwarders:0:Name"] = "apim";
        settings["Authorizer:Request:TrustedForwarders:0:CertificateThumbprint"] = forwarderSha256;
        settings["Logging:LogLevel:Default"] = "Warning";
        var run = await LocalHostApp.BuildAsync([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddSingleton<ICrlStore>(Crls);
            configure?.Invoke(b);
        });
        await run.App.StartAsync();
        return run;
    }

    /// <summary>An HTTPS client of the authorizer presenting <paramref name="certificate"/> in the TLS handshake.</summary>
    public HttpClient Authorizer(X509Certificate2 certificate, LocalRun? run = null) => Client((run ?? Run).AuthorizerUri, certificate, run ?? Run);

    /// <summary>An HTTPS client of the admin API; with the admin key unless <paramref name="adminKey"/> says otherwise.</summary>
    public HttpClient Admin(string? adminKey = "", LocalRun? run = null)
    {
        run ??= Run;
        var client = Client(run.AdminUri, null, run);
        var key = adminKey == "" ? run.AdminKey : adminKey;
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin-Key", key);
        }

        return client;
    }

    /// <summary>Registers <paramref name="certificate"/> for <paramref name="clientId"/> and asserts it was stored.</summary>
    public async Task RegisterAsync(string clientId, X509Certificate2 certificate)
    {
        using var admin = Admin();
        using var response = await admin.PostAsJsonAsync("api/bindings", new { clientId, certificate = PkiExport.CertificatePem(certificate) }, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in Enumerable.Reverse(_runs))
        {
            await run.DisposeAsync();
        }

        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }

    /// <summary>An HTTPS client of any run's authorizer (e.g. an isolated run) presenting <paramref name="certificate"/>.</summary>
    public static HttpClient AuthorizerOf(LocalRun run, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Client(run.AuthorizerUri, certificate, run);
    }

    /// <summary>An HTTPS client of any run's admin API, with its admin key.</summary>
    public static HttpClient AdminOf(LocalRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var client = Client(run.AdminUri, null, run);
        client.DefaultRequestHeaders.Add("X-Admin-Key", run.AdminKey);
        return client;
    }

    private static HttpClient Client(Uri baseAddress, X509Certificate2? clientCertificate, LocalRun run)
    {
        using var server = X509CertificateLoader.LoadCertificateFromFile(run.Pki.ServerCertificatePath);
        var pinned = server.RawData;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // The dev PKI's localhost certificate is the only server certificate accepted.
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(pinned),
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }
}
