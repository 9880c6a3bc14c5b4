using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>Registers <see cref="TableBindingStore"/> as the <see cref="IBindingStore"/>.</summary>
public static class TableBindingStoreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TableBindingStoreOptions"/> from the "Bindings" section (validated at start) and registers
    /// the store as a singleton, its two clients measured by <see cref="TableStorageMetrics"/>. The storage account comes from <c>Bindings:ConnectionString</c>,
    /// <c>Bindings:TableServiceUri</c> (+ <c>Bindings:ManagedIdentityClientId</c>), or the connection named by
    /// <c>Bindings:Connection</c>, read the way Functions reads <c>AzureWebJobsStorage</c>: a connection string,
    /// or <c>{name}:tableServiceUri</c> with optional <c>{name}:clientId</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="credential">The token credential for identity-based access; built from the settings when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IServiceCollection AddTableBindingStore(this IServiceCollection services, IConfiguration configuration, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TableBindingStoreOptions>()
            .Bind(configuration.GetSection(TableBindingStoreOptions.SectionName))
            .PostConfigure(options => ResolveConnection(options, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TableBindingStoreOptions>, TableBindingStoreOptionsValidator>();
        services.AddMetrics();
        services.TryAddSingleton<TableStorageMetrics>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<TableBindingStoreOptions>>();
            var metrics = provider.GetRequiredService<TableStorageMetrics>();
            var hotPathOptions = TableBindingStore.CreateHotPathClientOptions(options.Value);
            var adminOptions = TableBindingStore.CreateAdminClientOptions(options.Value);

            // Per call, ahead of the retry policy: one measurement per call the store makes, retries included.
            hotPathOptions.AddPolicy(metrics.CreatePolicy(TableStorageMetrics.HotPathClient), HttpPipelinePosition.PerCall);
            adminOptions.AddPolicy(metrics.CreatePolicy(TableStorageMetrics.AdminClient), HttpPipelinePosition.PerCall);
            var hotPath = CreateClient(options.Value, hotPathOptions, credential);
            var admin = CreateClient(options.Value, adminOptions, credential);
            return new TableBindingStore(
                hotPath,
                admin,
                options,
                provider.GetRequiredService<ILogger<TableBindingStore>>(),
                provider.GetService<TimeProvider>());
        });
        services.AddSingleton<IBindingStore>(provider => provider.GetRequiredService<TableBindingStore>());
        return services;
    }

    /// <summary>A client of the configured table with the given client options.</summary>
    /// <exception cref="InvalidOperationException">No storage account is configured.</exception>
    public static TableClient CreateClient(TableBindingStoreOptions options, TableClientOptions clientOptions, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clientOptions);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableClient(options.ConnectionString, options.TableName, clientOptions);
        }

        if (options.TableServiceUri is { } uri)
        {
            credential ??= string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
            return new TableClient(uri, options.TableName, credential, clientOptions);
        }

        throw new InvalidOperationException("No binding storage configured: set Bindings:ConnectionString, Bindings:TableServiceUri or Bindings:Connection.");
    }

    private static void ResolveConnection(TableBindingStoreOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString) || options.TableServiceUri is not null || string.IsNullOrWhiteSpace(options.Connection))
        {
            return;
        }

        var section = configuration.GetSection(options.Connection);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            options.ConnectionString = section.Value;
            return;
        }

        if (Uri.TryCreate(section["tableServiceUri"], UriKind.Absolute, out var uri))
        {
            options.TableServiceUri = uri;
            options.ManagedIdentityClientId ??= section["clientId"];
        }
    }
}
