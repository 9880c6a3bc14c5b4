using TppGate.Testing.Waiting;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Hosting;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Authorize;

/// <summary>
/// The README's local flow on a run with its own dev PKI as trust anchors and revocation on by default: the dev
/// QTSP's CRL is served by the local host itself and fetched over HTTP like a real QTSP's.
/// </summary>
public sealed class ReadmeFlowTests
{
    [Fact]
    public async Task Register_allow_other_client_denied_revoke_binding_then_the_dev_qtsp_revokes_the_qwac()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["TrustAnchors:Path"] = "" });
        var run = isolated.Run;
        using var tpp = run.Pki.LoadTppCertificate();
        using var admin = LocalRunFixture.AdminOf(run);
        using var authorizer = LocalRunFixture.AuthorizerOf(run, tpp);
        const string client = LocalRunGuide.SampleClientId;

        using (var registered = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(tpp) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        Assert.Equal((HttpStatusCode.OK, null), await SendAsync(authorizer, Ask(client, "accounts")));
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await SendAsync(authorizer, Ask("another-client", "accounts")));

        // The README's binding revocation: blocked within the 5 s bound.
        using (var revoke = await admin.PostAsync(
            $"api/bindings/{client}/{CertificateThumbprints.Of(tpp).X5tS256}/revoke",
            new StringContent("""{"reason":"local test"}""", Encoding.UTF8, "application/json"),
            Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => await SendAsync(authorizer, Ask(client, "accounts")) == (HttpStatusCode.Forbidden, "CERTIFICATE_BLOCKED")));

        // Then the dev QTSP revokes the QWAC itself: its CRL changes, the host fetches it, the QWAC is revoked
        // whoever it is bound to, and it cannot be registered for anyone.
        using (var qtsp = await admin.PostAsync(DevQtspEndpoints.RevokeSamplePath.TrimStart('/'), null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, qtsp.StatusCode);
        }

        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_REVOKED"), await SendAsync(authorizer, Ask(client, "accounts")));
        using var again = await admin.PostAsJsonAsync("api/bindings", new { clientId = "sample-tpp-2", certificate = PkiExport.CertificatePem(tpp) }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("CERTIFICATE_REVOKED", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dev_qtsp_revocation_needs_the_admin_key()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["TrustAnchors:Path"] = "" });
        using var anonymous = LocalRunFixture.AdminOf(isolated.Run);
        anonymous.DefaultRequestHeaders.Remove("X-Admin-Key");

        using var refused = await anonymous.PostAsync(DevQtspEndpoints.RevokeSamplePath.TrimStart('/'), null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
