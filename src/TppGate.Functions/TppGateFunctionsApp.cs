using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tables;
using TppGate.Core.Trust;
using TppGate.Http.Hosting;

namespace TppGate.Functions;

/// <summary>
/// The Functions app's whole composition: everything Program.cs does before <c>Build()</c>. The tests in
/// tests/TppGate.Functions.Tests build their host with this same method, so what they prove is what ships.
/// </summary>
public static class TppGateFunctionsApp
{
    /// <summary>
    /// Adds the ASP.NET Core integration, Application Insights, TppGate's handlers, the Table Storage binding
    /// store and the trust anchors (Key Vault when <c>TrustAnchors:KeyVault:VaultUri</c> is set, else a PEM file
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
        AddTrustAnchors(builder.Services, builder.Configuration);
        if (builder.Configuration.HasKeyVaultForwarderCertificate())
        {
            // APIM's client certificate as a trusted forwarder, read from Key Vault and refreshed (rotation without redeploy).
            builder.Services.AddKeyVaultForwarderCertificate(builder.Configuration);
        }

        return builder;
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
