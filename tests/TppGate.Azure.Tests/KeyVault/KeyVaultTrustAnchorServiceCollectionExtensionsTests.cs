using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TppGate.Azure.KeyVault;
using TppGate.Core.Trust;

namespace TppGate.Azure.Tests.KeyVault;

public sealed class KeyVaultTrustAnchorServiceCollectionExtensionsTests
{
    [Fact]
    public void Options_bind_from_the_trust_anchors_section_and_the_provider_is_the_trust_anchor_provider()
    {
        using var services = Build(new()
        {
            ["TrustAnchors:KeyVault:VaultUri"] = "https://kv-anchors.vault.azure.net/",
            ["TrustAnchors:KeyVault:RefreshInterval"] = "00:02:00",
            ["TrustAnchors:KeyVault:ManagedIdentityClientId"] = "11111111-2222-3333-4444-555555555555",
        });

        var options = services.GetRequiredService<IOptions<KeyVaultTrustAnchorOptions>>().Value;
        var provider = services.GetRequiredService<ITrustAnchorProvider>();

        Assert.Equal(new Uri("https://kv-anchors.vault.azure.net/"), options.VaultUri);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RefreshInterval);
        Assert.Equal("tppgate-trust-anchor", options.TagName);
        Assert.Same(services.GetRequiredService<KeyVaultTrustAnchorProvider>(), provider);
        Assert.Null(provider.Current);
    }

    [Theory]
    [InlineData(null, "00:05:00")]
    [InlineData("http://kv-anchors.vault.azure.net/", "00:05:00")]
    [InlineData("https://kv-anchors.vault.azure.net/", "00:00:05")]
    public void Invalid_options_are_refused(string? vaultUri, string refreshInterval)
    {
        using var services = Build(new()
        {
            ["TrustAnchors:KeyVault:VaultUri"] = vaultUri,
            ["TrustAnchors:KeyVault:RefreshInterval"] = refreshInterval,
        });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyVaultTrustAnchorOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKeyVaultTrustAnchors(configuration);
        return services.BuildServiceProvider();
    }
}
