using Microsoft.Extensions.Options;
using TppGate.Core.Trust;
using TppGate.Functions.Tests.Support;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests;

/// <summary>The composition Program.cs runs: what it registers and what it refuses to start without.</summary>
public sealed class TppGateFunctionsAppTests(AzuriteInstance azurite)
{
    [Fact]
    public async Task Without_a_trust_anchor_source_the_app_refuses_to_start_naming_the_key_vault_setting()
    {
        var settings = AppService.Settings(azurite);
        settings.Remove("TrustAnchors:Path");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => FunctionsAppHost.StartAsync(settings));

        Assert.Contains("TrustAnchors:KeyVault:VaultUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trust_anchor_path_gives_file_anchors_for_a_local_run()
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite));

        var anchors = (ITrustAnchorProvider)app.Services.GetService(typeof(ITrustAnchorProvider))!;

        Assert.IsType<FileTrustAnchorProvider>(anchors);
        Assert.Equal(3, anchors.Current!.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Both")]
    [InlineData("1")]
    [InlineData("Authorizer,Admin")]
    public async Task Without_a_valid_surface_the_app_refuses_to_start_naming_the_setting(string? surface)
    {
        var settings = AppService.Settings(azurite);
        settings["TppGate:Surface"] = surface;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => FunctionsAppHost.StartAsync(settings));

        Assert.Contains("TppGate__Surface", error.Message, StringComparison.Ordinal);
    }
}
