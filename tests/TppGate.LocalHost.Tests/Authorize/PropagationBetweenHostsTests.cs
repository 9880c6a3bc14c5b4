using TppGate.Testing.Waiting;
using System.Net;
using System.Text;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Authorize;

/// <summary>Two hosts on one Azurite: what the admin does on one is enforced by the other within the bound.</summary>
public sealed class PropagationBetweenHostsTests(LocalRunFixture local)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Registration_and_revocation_on_one_host_take_effect_on_another_within_five_seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var second = await local.StartSecondHostAsync();
        var certificate = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("two-hosts.tpp.example", Psd2Role.AccountInformation));
        var client = "client-" + Guid.NewGuid().ToString("N")[..12];
        using var onSecond = local.Authorizer(certificate, second);
        HttpRequestMessage Ask() => new(HttpMethod.Post, "api/authorize") { Headers = { { "X-Client-Id", client }, { "X-Tpp-Api", "accounts" } } };

        // The second host learns (and caches) that the certificate is unknown.
        Assert.Equal(HttpStatusCode.Forbidden, (await onSecond.SendAsync(Ask(), ct)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await onSecond.SendAsync(Ask(), ct)).StatusCode);

        await local.RegisterAsync(client, certificate);
        Assert.True(await Eventually.WithinAsync(Bound, async () => (await onSecond.SendAsync(Ask(), ct)).StatusCode == HttpStatusCode.OK));

        using var admin = local.Admin();
        using var revoked = await admin.PostAsync(
            $"api/bindings/{client}/{CertificateThumbprints.Of(certificate).Sha256Hex}/revoke",
            new StringContent("""{"reason":"rotation"}""", Encoding.UTF8, "application/json"),
            ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True(await Eventually.WithinAsync(Bound, async () => (await onSecond.SendAsync(Ask(), ct)).StatusCode == HttpStatusCode.Forbidden));
    }
}
