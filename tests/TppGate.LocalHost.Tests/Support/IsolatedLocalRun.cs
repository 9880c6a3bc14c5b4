using TppGate.Testing.Revocation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Core.Trust.Revocation;
using TppGate.LocalHost.Hosting;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>
/// A local run of its own (own Azurite, own data folder, own ports) for tests that break storage: never the
/// shared assembly fixture. Configured like <see cref="LocalRunFixture"/>; the extra settings given to StartAsync override.
/// </summary>
public sealed class IsolatedLocalRun : IAsyncDisposable
{
    private readonly string _data;

    private IsolatedLocalRun(string data, LocalRun run)
    {
        _data = data;
        Run = run;
    }

    public LocalRun Run { get; }

    public static async Task<IsolatedLocalRun> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var catalogue = CertificateCatalogue.Shared;
        var data = Directory.CreateTempSubdirectory("tppgate-fault-").FullName;
        var anchors = Path.Combine(data, "anchors.pem");
        await File.WriteAllTextAsync(anchors, PkiExport.CertificatesPem([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate]));
        var settings = new Dictionary<string, string?>
        {
            ["Local:DataPath"] = Path.Combine(data, "run"),
            ["Local:AzuriteTablePort"] = "0",
            ["Local:AzuriteBlobPort"] = "0",
            ["Local:AuthorizerPort"] = "0",
            ["Local:AdminPort"] = "0",
            ["Local:CrlPort"] = "0",
            ["TrustAnchors:Path"] = anchors,
            ["Logging:LogLevel:Default"] = "Critical",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var run = await LocalHostApp.BuildAsync([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddSingleton<ICrlStore>(CatalogueCrls.Store());
        });
        await run.App.StartAsync();
        return new IsolatedLocalRun(data, run);
    }

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }
}
