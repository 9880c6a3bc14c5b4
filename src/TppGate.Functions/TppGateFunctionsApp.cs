using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Revocation;
using TppGate.Azure.Tables;
using TppGate.Azure.TrustedLists;
using TppGate.Core.Trust;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using TppGate.Http.Hosting;
using TppGate.Http.Telemetry;

namespace TppGate.Functions;

/// <summary>
/// The Functions app's whole composition: everything Program.cs does before <c>Build()</c>. The tests in
/// tests/TppGate.Functions.Tests build their host with this same method, so what they prove is what ships.
/// </summary>
public static class TppGateFunctionsApp
{
    /// <summary>
    /// Adds the ASP.NET Core integration, Application Insights, TppGate's handlers, the Table Storage binding
    /// store, the Blob Storage CRL store (when <c>CrlStore</c> names an account) and the trust anchors (Key Vault when <c>TrustAnchors:KeyVault:VaultUri</c> is set, else a PEM file
    /// or folder at <c>TrustAnchors:Path</c>; with neither, start-up fails on the Key Vault options).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();

        // App Service Authentication sits in front of the admin app: X-MS-CLIENT-PRINCIPAL is the caller (the default resolver).
        builder.Services.AddTppGate();
        builder.Services.AddOptions<SurfaceOptions>().BindConfiguration(SurfaceOptions.SectionName)
            .Validate(o => o.Parsed is not null, "TppGate:Surface (app setting TppGate__Surface) must be Authorizer or Admin.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SurfaceGate>();
        builder.Services.AddTableBindingStore(builder.Configuration);

        // The CRLs every instance fetched, shared through Blob Storage (decision 0016); without CrlStore settings each
        // instance keeps its own in memory.
        builder.Services.AddBlobCrlStore(builder.Configuration);
        AddTrustAnchors(builder.Services, builder.Configuration);

        // The EU trusted-list import runs on the admin surface only (its timer); where it is configured (pinned LOTL
        // signers), its settings are checked at start. Without signers the Bicep disables the timer and anchors are
        // managed by hand (decision 0012).
        var surface = new SurfaceOptions { Surface = builder.Configuration[SurfaceOptions.SectionName + ":Surface"] }.Parsed;
        var importConfigured = builder.Configuration.GetSection("TrustedLists:LotlSigners").GetChildren().Any();
        builder.Services.AddTrustedListRefresh(builder.Configuration, validateOnStart: surface == FunctionSurface.Admin && importConfigured);
        AddMetricsExport(builder.Services, builder.Configuration);
        if (builder.Configuration.HasKeyVaultForwarderCertificate())
        {
            // APIM's client certificate as a trusted forwarder, read from Key Vault and refreshed (rotation without redeploy).
            builder.Services.AddKeyVaultForwarderCertificate(builder.Configuration);
        }

        return builder;
    }

    /// <summary>
    /// TppGate's meter through OpenTelemetry: to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set
    /// (App Service sets it from the Bicep), authenticating with the managed identity that
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names (the Bicep's Application Insights refuses local auth);
    /// to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    private static void AddMetricsExport(IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var (entra, clientId) = ParseAuthenticationString(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        var otlp = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // tppgate.crl.age lives on the revocation meter, tppgate.storage.* on the storage meter; the Bicep's alerts and the workbook read them.
            metrics.AddMeter(TppGateMetrics.ExportedMeterNames);
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                metrics.AddAzureMonitorMetricExporter(o =>
                {
                    o.ConnectionString = connectionString;
                    if (entra)
                    {
                        o.Credential = new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
                    }
                });
            }

            if (!string.IsNullOrWhiteSpace(otlp))
            {
                metrics.AddOtlpExporter();
            }
        });
    }

    /// <summary>Reads <c>Authorization=AAD[;ClientId=...]</c>: whether to use Entra, and which user-assigned identity.</summary>
    internal static (bool Entra, string? ClientId) ParseAuthenticationString(string? value)
    {
        var entra = false;
        string? clientId = null;
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var val = part[(equals + 1)..].Trim();
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                entra = val.Equals("AAD", StringComparison.OrdinalIgnoreCase);
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && val.Length > 0)
            {
                clientId = val;
            }
        }

        return (entra, entra ? clientId : null);
    }

    private static void AddTrustAnchors(IServiceCollection services, IConfiguration configuration)
    {
        var keyVault = configuration[KeyVaultTrustAnchorOptions.SectionName + ":VaultUri"];
        var path = configuration["TrustAnchors:Path"];
        if (string.IsNullOrWhiteSpace(keyVault) && !string.IsNullOrWhiteSpace(path))
        {
            var full = Path.GetFullPath(path);
            services.AddSingleton<ITrustAnchorProvider>(_ => new FileTrustAnchorProvider(full));
            return;
        }

        services.AddKeyVaultTrustAnchors(configuration);
    }
}
