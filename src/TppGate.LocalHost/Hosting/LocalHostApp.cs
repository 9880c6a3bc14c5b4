using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TppGate.Azure.Revocation;
using TppGate.Azure.Tables;
using TppGate.Core.Trust;
using TppGate.Http.Callers;
using OpenTelemetry.Metrics;
using TppGate.Http.Hosting;
using TppGate.Http.Telemetry;
using TppGate.LocalHost.Azurite;
using TppGate.LocalHost.Pki;

namespace TppGate.LocalHost.Hosting;

/// <summary>
/// Builds the local run: Azurite, a dev PKI, and Kestrel serving the authorizer on a port whose TLS requires a
/// client certificate (App Service's Required mode) and the admin API on another port behind an admin key.
/// Tests build the same app with ports 0 and their own data folder.
/// </summary>
public static class LocalHostApp
{
    /// <summary>Builds (does not start) the app. Azurite, when configured to, is started by the host.</summary>
    public static async Task<LocalRun> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var local = builder.Configuration.GetSection(LocalHostOptions.SectionName).Get<LocalHostOptions>() ?? new LocalHostOptions();
        local.AuthorizerPort = local.AuthorizerPort == 0 ? FreeLoopbackPort() : local.AuthorizerPort;
        local.AdminPort = local.AdminPort == 0 ? FreeLoopbackPort() : local.AdminPort;
        local.CrlPort = local.CrlPort == 0 ? FreeLoopbackPort() : local.CrlPort;
        var data = Path.GetFullPath(local.DataPath);
        Directory.CreateDirectory(data);
        var pki = DevPki.Ensure(Path.Combine(data, "pki"), TimeProvider.System, $"http://127.0.0.1:{local.CrlPort}{DevQtspEndpoints.CrlPath}");
        var adminKey = EnsureAdminKey(local, data);

        AzuriteProcess? azurite = null;
        if (local.StartAzurite)
        {
            azurite = new AzuriteProcess(Path.Combine(data, "azurite"), local.AzuriteTablePort, blobPort: local.AzuriteBlobPort);
            await azurite.StartAsync();
            builder.Configuration["Bindings:ConnectionString"] = azurite.ConnectionString;

            // CRLs are shared through Azurite's blob service, as the Functions apps share them through Blob Storage.
            builder.Configuration["CrlStore:ConnectionString"] = azurite.ConnectionString;
        }

        var anchorsPath = builder.Configuration["TrustAnchors:Path"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : pki.AnchorsPath;
        var serverCertificate = pki.LoadServerCertificate();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Listen(IPAddress.Loopback, local.AuthorizerPort, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;

                // As App Service: TLS proves possession of the key; chain, validity and binding are the app's job.
                https.ClientCertificateValidation = (_, _, _) => true;
            }));
            kestrel.Listen(IPAddress.Loopback, local.AdminPort, listen => listen.UseHttps(serverCertificate));

            // The dev QTSP's CRL, over plain HTTP as QTSPs publish them.
            kestrel.Listen(IPAddress.Loopback, local.CrlPort);
        });

        builder.Services.AddSingleton(pki);

        // Each surface answers only on its own listener, whatever port a request's Host header names.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortMatcherPolicy>());
        builder.Services.AddTppGate();
        builder.Services.AddTableBindingStore(builder.Configuration);
        builder.Services.AddBlobCrlStore(builder.Configuration);
        builder.Services.AddSingleton<ITrustAnchorProvider>(_ => new FileTrustAnchorProvider(anchorsPath));
        builder.Services.AddSingleton<ICallerResolver>(_ => new LocalAdminKeyCallerResolver(Encoding.UTF8.GetBytes(adminKey), local.AdminPort));
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(TppGateMetrics.ExportedMeterNames);
            if (local.ConsoleMetrics)
            {
                metrics.AddConsoleExporter();
            }

            if (!string.IsNullOrWhiteSpace(otlp))
            {
                metrics.AddOtlpExporter();
            }
        });

        var app = builder.Build();
        app.UseMiddleware<AppServiceFrontEndMiddleware>();
        app.OnLocalPort(local.AuthorizerPort).MapTppGateAuthorizer();
        app.OnLocalPort(local.AdminPort).MapTppGateAdmin();
        DevQtspEndpoints.Map(app, pki, adminKey, local);
        return new LocalRun(app, local, pki, adminKey, anchorsPath, azurite);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string EnsureAdminKey(LocalHostOptions local, string data)
    {
        if (!string.IsNullOrWhiteSpace(local.AdminKey))
        {
            return local.AdminKey;
        }

        var path = Path.Combine(data, "admin-key");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}

/// <summary>A built local run: the app, its PKI, its admin key and the Azurite it started.</summary>
public sealed class LocalRun(WebApplication app, LocalHostOptions options, DevPki pki, string adminKey, string anchorsPath, AzuriteProcess? azurite) : IAsyncDisposable
{
    /// <summary>The ASP.NET Core app.</summary>
    public WebApplication App { get; } = app;

    /// <summary>The effective options, ports resolved.</summary>
    public LocalHostOptions Options { get; } = options;

    /// <summary>The authorizer's base address.</summary>
    public Uri AuthorizerUri => new($"https://localhost:{Options.AuthorizerPort}/");

    /// <summary>The admin API's base address.</summary>
    public Uri AdminUri => new($"https://localhost:{Options.AdminPort}/");

    /// <summary>The dev PKI.</summary>
    public DevPki Pki { get; } = pki;

    /// <summary>The admin key for X-Admin-Key.</summary>
    public string AdminKey { get; } = adminKey;

    /// <summary>Where the trust anchors are read from.</summary>
    public string AnchorsPath { get; } = anchorsPath;

    /// <summary>The Azurite process, when this run started one.</summary>
    public AzuriteProcess? Azurite { get; } = azurite;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }
}
