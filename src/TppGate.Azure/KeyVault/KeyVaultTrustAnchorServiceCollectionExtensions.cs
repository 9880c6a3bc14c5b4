using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Trust;

namespace TppGate.Azure.KeyVault;

/// <summary>Registers Key Vault trust anchors.</summary>
public static class KeyVaultTrustAnchorServiceCollectionExtensions
{
    /// <summary>The name of the registered health check.</summary>
    public const string HealthCheckName = "trust-anchors";

    /// <summary>
    /// Binds <see cref="KeyVaultTrustAnchorOptions"/> from the section "TrustAnchors:KeyVault" (validated at start),
    /// registers <see cref="KeyVaultTrustAnchorProvider"/> as the <see cref="ITrustAnchorProvider"/>, the refresh
    /// service and the health check. Authenticates with the user-assigned managed identity when
    /// <see cref="KeyVaultTrustAnchorOptions.ManagedIdentityClientId"/> is set.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddKeyVaultTrustAnchors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KeyVaultTrustAnchorOptions>()
            .Bind(configuration.GetSection(KeyVaultTrustAnchorOptions.SectionName))
            .Validate(o => o.VaultUri is { IsAbsoluteUri: true, Scheme: "https" }, "TrustAnchors:KeyVault:VaultUri must be an absolute https URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TagName) && !string.IsNullOrWhiteSpace(o.TagValue), "TrustAnchors:KeyVault:TagName and TagValue must not be empty.")
            .Validate(o => o.RefreshInterval >= TimeSpan.FromSeconds(30), "TrustAnchors:KeyVault:RefreshInterval must be at least 30 seconds.")
            .Validate(o => o.InitialRetryInterval > TimeSpan.Zero, "TrustAnchors:KeyVault:InitialRetryInterval must be positive.")
            .Validate(o => o.Jitter is >= 0 and <= 0.5, "TrustAnchors:KeyVault:Jitter must be between 0 and 0.5.")
            .Validate(o => o.DegradedAfterRefreshIntervals >= 1, "TrustAnchors:KeyVault:DegradedAfterRefreshIntervals must be at least 1.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "TrustAnchors:KeyVault:MaxRetries must be between 0 and 10.")
            .Validate(o => o.NetworkTimeout > TimeSpan.Zero, "TrustAnchors:KeyVault:NetworkTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyVaultTrustAnchorOptions>>();
            var client = new SecretClient(options.Value.VaultUri!, CreateCredential(options.Value), KeyVaultClientOptions.Create(options.Value));
            return new KeyVaultTrustAnchorProvider(
                client,
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<KeyVaultTrustAnchorProvider>>());
        });
        services.TryAddSingleton<ITrustAnchorProvider>(sp => sp.GetRequiredService<KeyVaultTrustAnchorProvider>());
        services.AddHostedService<KeyVaultTrustAnchorRefreshService>();
        services.AddHealthChecks().AddCheck<KeyVaultTrustAnchorHealthCheck>(HealthCheckName, tags: ["ready"]);
        return services;
    }

    private static TokenCredential CreateCredential(KeyVaultTrustAnchorOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
