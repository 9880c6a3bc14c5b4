using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TppGate.Azure.Revocation;
using TppGate.Core.Trust.Revocation;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Revocation;

/// <summary>What the CRL store's registration does with the CrlStore settings, and what it refuses at start.</summary>
public sealed class BlobCrlStoreServiceCollectionExtensionsTests(AzuriteInstance azurite)
{
    [Fact]
    public void Without_crl_store_settings_no_shared_store_is_registered()
    {
        using var provider = Build([]);

        Assert.Null(provider.GetService<ICrlStore>());
    }

    [Fact]
    public async Task A_connection_named_like_functions_storage_resolves_to_a_working_blob_store()
    {
        using var provider = Build(new()
        {
            ["CrlStore:Connection"] = "DataStorage",
            ["DataStorage"] = azurite.ConnectionString,
            ["CrlStore:ContainerName"] = AzuriteInstance.NewContainerName(),
        });
        var store = Assert.IsType<BlobCrlStore>(provider.GetRequiredService<ICrlStore>());

        Assert.Empty(await store.GetUrlsAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("CrlStore:BlobServiceUri", "http://account.blob.example.test", "must be an absolute https URI")]
    [InlineData("CrlStore:ContainerName", "CRLs", "CrlStore:ContainerName")]
    [InlineData("CrlStore:MaxCrlBytes", "0", "CrlStore:MaxCrlBytes")]
    [InlineData("CrlStore:OperationTimeout", "00:00:00", "CrlStore:OperationTimeout")]
    [InlineData("CrlStore:Connection", "Missing", "holds neither a connection string")]
    public void Settings_the_store_cannot_run_with_are_refused_at_start(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["CrlStore:ConnectionString"] = azurite.ConnectionString, [key] = value };
        if (key is "CrlStore:BlobServiceUri" or "CrlStore:Connection")
        {
            settings.Remove("CrlStore:ConnectionString");
        }

        using var provider = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBlobCrlStore(configuration);
        return services.BuildServiceProvider();
    }
}
