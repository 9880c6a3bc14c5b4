using System.Net;
using System.Net.Http.Json;
using TppGate.Core.Trust;
using TppGate.Core.Trust.TrustedLists;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Trust;

/// <summary>
/// The local host with <c>TrustAnchors:Path</c> pointing at a bundle as <c>tppgate anchors from-trusted-lists --out</c>
/// writes it: the issuing CA alone, not self-signed, named as the anchor. A QWAC it issued is allowed over real
/// mutual TLS; the same CA in a plain PEM file is no anchor and the host answers 503.
/// </summary>
public sealed class TrustedListAnchorBundleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tppgate-tl-bundle-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_QWAC_under_a_named_non_self_signed_anchor_is_allowed_over_mutual_tls()
    {
        var catalogue = CertificateCatalogue.Shared;
        var bundle = Path.Combine(_folder, "anchors.pem");
        await File.WriteAllTextAsync(bundle, TrustAnchorPem.Write([TrustedListAnchor.Create(catalogue.IssuingCa.Certificate.RawData, "PT", "Example QTSP", "QWAC CA")]), Ct);
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["TrustAnchors:Path"] = bundle });
        var run = isolated.Run;
        var client = $"tl-{Guid.NewGuid():N}";

        using (var admin = LocalRunFixture.AdminOf(run))
        using (var registered = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(catalogue.QwacAiPi) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var http = LocalRunFixture.AuthorizerOf(run, catalogue.QwacAiPi);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize") { Headers = { { "X-Client-Id", client }, { "X-Tpp-Api", "accounts" } } };
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_same_CA_in_a_plain_PEM_file_is_no_anchor()
    {
        var catalogue = CertificateCatalogue.Shared;
        var plain = Path.Combine(_folder, "plain.pem");
        await File.WriteAllTextAsync(plain, PkiExport.CertificatesPem([catalogue.IssuingCa.Certificate]), Ct);
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["TrustAnchors:Path"] = plain });

        using var http = LocalRunFixture.AuthorizerOf(isolated.Run, catalogue.QwacAiPi);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize") { Headers = { { "X-Client-Id", "any" }, { "X-Tpp-Api", "accounts" } } };
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
