using System.Net;
using System.Security.Cryptography.X509Certificates;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// Issue 8 item 15: a request line whose target reaches /api/authorize only after the server removes dot segments
/// (so a front end matching an excluded prefix such as /api/health on the raw target would let it through) is
/// refused with 400 PATH_NOT_CANONICAL, over real mutual TLS with a registered certificate that would be allowed.
/// </summary>
public sealed class RequestTargetTests(LocalRunFixture local) : IAsyncLifetime
{
    private X509Certificate2 _registered = null!;
    private string _client = null!;

    public async ValueTask InitializeAsync()
    {
        _registered = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"target-{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        _client = NewClient();
        await local.RegisterAsync(_client, _registered);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("/api/health/../authorize")]
    [InlineData("/api/health/%2e%2e/authorize")]
    [InlineData("/api/health/%2E%2E/authorize")]
    [InlineData("/api/./authorize")]
    [InlineData("/api/health/.%2e/authorize")]
    public async Task Target_reaching_authorize_only_after_dot_segment_removal_is_path_not_canonical(string target)
    {
        var headers = new[] { ("X-Client-Id", _client), ("X-Tpp-Api", "accounts") };
        var (control, _) = await RawHttps.SendAsync(local.Run, _registered, "GET", "/api/authorize", headers, Ct);

        var (status, body) = await RawHttps.SendAsync(local.Run, _registered, "GET", target, headers, Ct);

        Assert.Equal(HttpStatusCode.OK, control);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"PATH_NOT_CANONICAL\"", body, StringComparison.Ordinal);
    }
}
