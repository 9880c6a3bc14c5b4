using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

public sealed class TableBindingStoreServiceCollectionExtensionsTests(AzuriteInstance azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Store_from_a_connection_string_in_configuration_works()
    {
        using var provider = Build(new()
        {
            ["Bindings:ConnectionString"] = azurite.ConnectionString,
            ["Bindings:TableName"] = AzuriteInstance.NewTableName(),
        });

        var store = provider.GetRequiredService<IBindingStore>();
        var binding = StoreFactory.Binding("client-a");

        Assert.Equal(RegisterOutcome.Created, (await store.RegisterAsync(binding, Ct)).Outcome);
        Assert.NotNull(await store.GetByCertificateAsync(binding.Sha256, Ct));
    }

    [Fact]
    public async Task Functions_style_named_connection_string_is_used()
    {
        using var provider = Build(new()
        {
            ["Bindings:Connection"] = "AzureWebJobsStorage",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Bindings:TableName"] = AzuriteInstance.NewTableName(),
        });

        var store = provider.GetRequiredService<IBindingStore>();

        Assert.Empty(await store.GetByClientAsync("nobody", Ct));
    }

    [Fact]
    public void Functions_style_identity_settings_give_a_service_uri_and_client_id()
    {
        using var provider = Build(new()
        {
            ["Bindings:Connection"] = "AzureWebJobsStorage",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://account.table.core.windows.net",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        var options = provider.GetRequiredService<IOptions<TableBindingStoreOptions>>().Value;

        Assert.Equal(new Uri("https://account.table.core.windows.net"), options.TableServiceUri);
        Assert.Equal("00000000-0000-0000-0000-000000000001", options.ManagedIdentityClientId);
        Assert.NotNull(provider.GetRequiredService<IBindingStore>());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("UseDevelopmentStorage=true", "bad-name!")]
    [InlineData("UseDevelopmentStorage=true", "ab")]
    public void Missing_storage_or_a_bad_table_name_fails_at_start(string? connectionString, string? tableName)
    {
        var settings = new Dictionary<string, string?> { ["Bindings:ConnectionString"] = connectionString };
        if (tableName is not null)
        {
            settings["Bindings:TableName"] = tableName;
        }

        using var provider = Build(settings);

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void Default_options_keep_the_hot_path_under_a_second()
    {
        var options = new TableBindingStoreOptions();
        var client = TableBindingStore.CreateHotPathClientOptions(options);

        var worstCase = (client.Retry.MaxRetries + 1) * client.Retry.NetworkTimeout + client.Retry.MaxRetries * client.Retry.Delay;

        Assert.True(worstCase < TimeSpan.FromSeconds(1), $"worst case {worstCase}");
        Assert.Equal("TppGateBindings", options.TableName);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTableBindingStore(configuration);
        return services.BuildServiceProvider();
    }
}
