using Microsoft.Extensions.DependencyInjection;
using TppGate.Azure.KeyVault;
using TppGate.Core.Certificates;
using TppGate.Functions.Tests.Support;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// Issue 10 item 5 on the composed authorizer: forwarder thumbprints that change at run time (APIM's certificate
/// rotated in Key Vault) are honoured on every call, including for a forwarder value already seen.
/// </summary>
public sealed class ForwarderRotationTests(AzuriteInstance azurite)
{
    [Fact]
    public async Task Forwarder_trusted_by_a_run_time_source_is_untrusted_once_the_source_drops_it_even_after_earlier_calls()
    {
        var apim = CertificateCatalogue.Shared[CatalogueCertificate.QwacAs];
        var tpp = CertificateCatalogue.Shared.QwacAi;
        var source = new RotatingThumbprints();
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"), addServices: s => s.AddSingleton<IForwarderThumbprintSource>(source));
        KeyValuePair<string, string>[] forwarded = [AppService.ClientCertificate(apim), new("Client-Cert", $":{Convert.ToBase64String(tpp.RawData)}:"), new("X-Client-Id", "nobody"), new("X-Tpp-Api", "accounts")];

        var beforeLoad = await authorizer.SendAsync("POST", "/api/authorize", forwarded);
        source.Current = new HashSet<string>(StringComparer.Ordinal) { PkiExport.Sha256Hex(apim) };
        var trusted = await authorizer.SendAsync("POST", "/api/authorize", forwarded);
        var again = await authorizer.SendAsync("POST", "/api/authorize", forwarded);
        source.Current = new HashSet<string>(StringComparer.Ordinal) { new('0', 64) };
        var rotatedAway = await authorizer.SendAsync("POST", "/api/authorize", forwarded);

        Assert.Equal("FORWARDER_UNTRUSTED", beforeLoad.Code);
        Assert.Equal("CERTIFICATE_NOT_BOUND", trusted.Code);
        Assert.Equal("CERTIFICATE_NOT_BOUND", again.Code);
        Assert.Equal((401, "FORWARDER_UNTRUSTED"), (rotatedAway.Status, rotatedAway.Code));
    }

    [Fact]
    public async Task Key_vault_forwarder_certificate_settings_register_the_key_vault_source_and_are_validated_at_start()
    {
        var settings = AppService.Settings(azurite, "Authorizer");
        settings[KeyVaultForwarderCertificateOptions.SectionName + ":VaultUri"] = "https://kv-apim-test.vault.azure.net/";
        settings[KeyVaultForwarderCertificateOptions.SectionName + ":CertificateName"] = "apim-client";
        await using var app = await FunctionsAppHost.StartAsync(settings, startServices: false);
        settings[KeyVaultForwarderCertificateOptions.SectionName + ":VaultUri"] = "http://kv-apim-test.vault.azure.net/";

        Assert.IsType<KeyVaultForwarderCertificateProvider>(Assert.Single(app.Services.GetServices<IForwarderThumbprintSource>()));
        var missingName = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => FunctionsAppHost.StartAsync(
            new Dictionary<string, string?>(settings) { [KeyVaultForwarderCertificateOptions.SectionName + ":VaultUri"] = "https://kv-apim-test.vault.azure.net/", [KeyVaultForwarderCertificateOptions.SectionName + ":CertificateName"] = null }));
        var notHttps = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => FunctionsAppHost.StartAsync(settings));
        Assert.Contains("CertificateName", missingName.Message, StringComparison.Ordinal);
        Assert.Contains("VaultUri", notHttps.Message, StringComparison.Ordinal);
    }

    private sealed class RotatingThumbprints : IForwarderThumbprintSource
    {
        public volatile IReadOnlySet<string> Current = new HashSet<string>(StringComparer.Ordinal);

        public IReadOnlySet<string> Sha256Thumbprints => Current;
    }
}
