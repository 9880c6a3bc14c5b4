using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Certificates;

namespace TppGate.Azure.KeyVault;

/// <summary>Registers the trusted forwarder's certificate from Key Vault.</summary>
public static class KeyVaultForwarderCertificateServiceCollectionExtensions
{
    /// <summary>True when <paramref name="configuration"/> names a vault for the forwarder certificate.</summary>
    public static bool HasKeyVaultForwarderCertificate(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[KeyVaultForwarderCertificateOptions.SectionName + ":VaultUri"]);
    }

    /// <summary>
    /// Binds <see cref="KeyVaultForwarderCertificateOptions"/> (validated at start), registers
    /// <see cref="KeyVaultForwarderCertificateProvider"/> as an <see cref="IForwarderThumbprintSource"/> and its
    /// refresh service, with a <see cref="CertificateClient"/> on the managed identity when one is named.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddKeyVaultForwarderCertificate(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        const string s = KeyVaultForwarderCertificateOptions.SectionName;
        services.AddOptions<KeyVaultForwarderCertificateOptions>()
            .Bind(configuration.GetSection(s))
            .Validate(o => o.VaultUri is { IsAbsoluteUri: true, Scheme: "https" }, s + ":VaultUri must be an absolute https URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.CertificateName), s + ":CertificateName is required.")
            .Validate(o => o.RefreshInterval >= TimeSpan.FromSeconds(30), s + ":RefreshInterval must be at least 30 seconds.")
            .Validate(o => o.InitialRetryInterval > TimeSpan.Zero, s + ":InitialRetryInterval must be positive.")
            .Validate(o => o.PreviousVersionOverlap >= TimeSpan.Zero, s + ":PreviousVersionOverlap must not be negative.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, s + ":MaxRetries must be between 0 and 10.")
            .Validate(o => o.NetworkTimeout > TimeSpan.Zero, s + ":NetworkTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyVaultForwarderCertificateOptions>>();
            var client = new CertificateClient(options.Value.VaultUri!, CreateCredential(options.Value), CreateClientOptions(options.Value));
            return new KeyVaultForwarderCertificateProvider(client, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KeyVaultForwarderCertificateProvider>>());
        });
        services.AddSingleton<IForwarderThumbprintSource>(sp => sp.GetRequiredService<KeyVaultForwarderCertificateProvider>());
        services.AddHostedService<KeyVaultForwarderCertificateRefreshService>();
        return services;
    }

    /// <summary>The client options the provider uses: few retries, a short per-try timeout.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static CertificateClientOptions CreateClientOptions(KeyVaultForwarderCertificateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return KeyVaultClientOptions.ApplyRetry(new CertificateClientOptions(), options.MaxRetries, options.NetworkTimeout);
    }

    private static TokenCredential CreateCredential(KeyVaultForwarderCertificateOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
