using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Trust.Revocation;

namespace TppGate.Azure.Revocation;

/// <summary>Registers <see cref="BlobCrlStore"/> as the shared <see cref="ICrlStore"/> (decision 0016).</summary>
public static class BlobCrlStoreServiceCollectionExtensions
{
    /// <summary>
    /// When the "CrlStore" section names a storage account (<c>CrlStore:ConnectionString</c>,
    /// <c>CrlStore:BlobServiceUri</c> + <c>CrlStore:ManagedIdentityClientId</c>, or <c>CrlStore:Connection</c> naming
    /// a Functions-style connection), binds <see cref="BlobCrlStoreOptions"/> (validated at start) and registers the
    /// store as the <see cref="ICrlStore"/> unless one is registered already. Without any of them nothing is
    /// registered: each instance keeps its CRLs in memory.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="credential">The token credential for identity-based access; built from the settings when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IServiceCollection AddBlobCrlStore(this IServiceCollection services, IConfiguration configuration, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!HasBlobCrlStore(configuration))
        {
            return services;
        }

        services.AddOptions<BlobCrlStoreOptions>()
            .Bind(configuration.GetSection(BlobCrlStoreOptions.SectionName))
            .PostConfigure(options => ResolveConnection(options, configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobCrlStoreOptions>, BlobCrlStoreOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobCrlStoreOptions>>();
            return new BlobCrlStore(
                CreateClient(options.Value, BlobCrlStore.CreateClientOptions(options.Value), credential),
                options,
                provider.GetRequiredService<ILogger<BlobCrlStore>>());
        });
        services.TryAddSingleton<ICrlStore>(provider => provider.GetRequiredService<BlobCrlStore>());
        return services;
    }

    /// <summary>Whether the configuration names a storage account for the CRL store.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> is null.</exception>
    public static bool HasBlobCrlStore(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(BlobCrlStoreOptions.SectionName);
        return !string.IsNullOrWhiteSpace(section[nameof(BlobCrlStoreOptions.ConnectionString)])
            || !string.IsNullOrWhiteSpace(section[nameof(BlobCrlStoreOptions.BlobServiceUri)])
            || !string.IsNullOrWhiteSpace(section[nameof(BlobCrlStoreOptions.Connection)]);
    }

    /// <summary>A client of the configured container with the given client options.</summary>
    /// <exception cref="InvalidOperationException">No storage account is configured.</exception>
    public static BlobContainerClient CreateClient(BlobCrlStoreOptions options, BlobClientOptions clientOptions, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clientOptions);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobContainerClient(options.ConnectionString, options.ContainerName, clientOptions);
        }

        if (options.BlobServiceUri is { } uri)
        {
            credential ??= string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
            return new BlobServiceClient(uri, credential, clientOptions).GetBlobContainerClient(options.ContainerName);
        }

        throw new InvalidOperationException("No CRL storage configured: set CrlStore:ConnectionString, CrlStore:BlobServiceUri or CrlStore:Connection.");
    }

    private static void ResolveConnection(BlobCrlStoreOptions options, IConfiguration configuration)
    {
        if (options.IsConfigured || string.IsNullOrWhiteSpace(options.Connection))
        {
            return;
        }

        var section = configuration.GetSection(options.Connection);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            options.ConnectionString = section.Value;
            return;
        }

        if (Uri.TryCreate(section["blobServiceUri"], UriKind.Absolute, out var uri))
        {
            options.BlobServiceUri = uri;
            options.ManagedIdentityClientId ??= section["clientId"];
        }
    }
}
