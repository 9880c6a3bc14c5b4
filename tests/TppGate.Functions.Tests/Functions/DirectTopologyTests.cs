using TppGate.Functions.Tests.Support;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>Issue 8 item 16: in the direct topology (no trusted forwarder) a caller's own Client-Cert is refused, not ignored.</summary>
public sealed class DirectTopologyTests(AzuriteInstance azurite)
{
    [Theory]
    [InlineData("Client-Cert")]
    [InlineData("Client-Cert-Chain")]
    public async Task Caller_sent_client_cert_without_a_trusted_forwarder_is_forwarder_untrusted(string header)
    {
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"));
        var tpp = CertificateCatalogue.Shared.QwacAi;

        var answer = await authorizer.SendAsync("POST", "/api/authorize",
            [AppService.ClientCertificate(tpp), new(header, $":{Convert.ToBase64String(tpp.RawData)}:"), new("X-Client-Id", "c"), new("X-Tpp-Api", "accounts")]);

        Assert.Equal((401, "FORWARDER_UNTRUSTED"), (answer.Status, answer.Code));
    }
}
