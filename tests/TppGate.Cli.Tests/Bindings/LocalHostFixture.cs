using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using TppGate.LocalHost.Hosting;

namespace TppGate.Cli.Tests.Bindings;

/// <summary>
/// The local host as `dotnet run --project src/TppGate.LocalHost` starts it (its own Azurite, its dev PKI and the
/// dev PKI's anchors), on free loopback ports, for running tppgate against it over real TLS.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("tppgate-cli-local-").FullName;
    private LocalRun? _run;

    public LocalRun Run => _run ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Local:DataPath"] = Path.Combine(_data, "run"),
            ["Local:AzuriteTablePort"] = "0",
            ["Local:AzuriteBlobPort"] = "0",
            ["Local:AuthorizerPort"] = "0",
            ["Local:AdminPort"] = "0",
            ["Authorizer:ApiRoles:accounts:0"] = "PSP_AI",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _run = await LocalHostApp.BuildAsync([], b => b.Configuration.AddInMemoryCollection(settings));
        await _run.App.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
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

    /// <summary>Runs tppgate with the admin key in TPPGATE_ADMIN_KEY (as the README does) unless <paramref name="environment"/> says otherwise.</summary>
    internal async Task<CliRun> TppgateAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["TPPGATE_ADMIN_KEY"] = Run.AdminKey };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            env[name] = value;
        }

        using var stdout = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        var context = new CliContext(Stream.Null, stdout, stderr, TimeProvider.System, name => env.GetValueOrDefault(name));
        var code = await CliApp.RunAsync(args, context, TestContext.Current.CancellationToken);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs tppgate against this host's admin API (unless the arguments name another endpoint), trusting the dev CA with --ca-file.</summary>
    internal Task<CliRun> AdminAsync(params string[] args)
        => TppgateAsync(null, [.. args, .. args.Contains("--endpoint") ? Array.Empty<string>() : ["--endpoint", Run.AdminUri.ToString()], "--ca-file", Run.Pki.RootPath]);

    /// <summary>A TPP calling the authorizer over mutual TLS with the dev PKI's sample QWAC.</summary>
    public HttpClient Tpp()
    {
        var certificate = Run.Pki.LoadTppCertificate();
        using var root = X509CertificateLoader.LoadCertificateFromFile(Run.Pki.RootPath);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(root.RawData));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = policy,
                ClientCertificates = new X509CertificateCollection { certificate },
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            },
        };
        return new HttpClient(handler) { BaseAddress = Run.AuthorizerUri, Timeout = TimeSpan.FromSeconds(30) };
    }
}
