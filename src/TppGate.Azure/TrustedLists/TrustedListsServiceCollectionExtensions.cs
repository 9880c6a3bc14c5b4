using System.Diagnostics.CodeAnalysis;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Azure.KeyVault;

namespace TppGate.Azure.TrustedLists;

/// <summary>Registers the scheduled import of the EU trusted lists into the anchors vault.</summary>
public static class TrustedListsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TrustedListsOptions"/> from "TrustedLists" and registers <see cref="TrustedListsRefresher"/>
    /// writing into the vault of "TrustAnchors:KeyVault" (the writing identity needs Key Vault Secrets Officer there).
    /// With <paramref name="validateOnStart"/> (the admin surface, which runs the timer) the options are checked when
    /// the host starts: at least one readable pinned LOTL signer, an https LOTL URL, sane limits.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    [RequiresUnreferencedCode("Binds options from configuration by reflection.")]
    public static IServiceCollection AddTrustedListRefresh(this IServiceCollection services, IConfiguration configuration, bool validateOnStart)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<TrustedListsOptions>()
            .Bind(configuration.GetSection(TrustedListsOptions.SectionName))
            .Validate(o => o.LotlSigners.Count > 0 && SignersReadable(o), "TrustedLists:LotlSigners must hold at least one readable certificate (PEM or base64 DER) from the Official Journal.")
            .Validate(o => o.LotlUrl is { IsAbsoluteUri: true, Scheme: "https" } || !o.RequireHttps, "TrustedLists:LotlUrl must be an absolute https URL.")
            .Validate(o => o.MaxListBytes is > 0 and <= 256 * 1024 * 1024, "TrustedLists:MaxListBytes must be between 1 and 256 MiB.")
            .Validate(o => o.DownloadTimeout > TimeSpan.Zero && o.DownloadRetries is >= 0 and <= 10, "TrustedLists:DownloadTimeout must be positive and DownloadRetries between 0 and 10.")
            .Validate(o => o.NextUpdateGrace >= TimeSpan.Zero && o.NextUpdateGrace <= TimeSpan.FromDays(30), "TrustedLists:NextUpdateGrace must be between 0 and 30 days.");
        if (validateOnStart)
        {
            builder.ValidateOnStart();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<TrustedListDownloader>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3 });
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TrustedListsOptions>>().Value);
        services.TryAddSingleton(sp =>
        {
            var anchors = sp.GetRequiredService<IOptions<KeyVaultTrustAnchorOptions>>().Value;
            var credential = string.IsNullOrWhiteSpace(anchors.ManagedIdentityClientId)
                ? (global::Azure.Core.TokenCredential)new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(anchors.ManagedIdentityClientId));
            var client = new SecretClient(anchors.VaultUri!, credential, KeyVaultClientOptions.Create(anchors));
            return new KeyVaultAnchorWriter(client, anchors, sp.GetRequiredService<ILogger<KeyVaultAnchorWriter>>());
        });
        services.TryAddSingleton<TrustedListsRefresher>();
        return services;
    }

    private static bool SignersReadable(TrustedListsOptions options)
    {
        try
        {
            return TrustedListsRefresher.PinnedSigners(options).Count > 0;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
