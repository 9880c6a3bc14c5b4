using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// RFC 8705 as shipped: a bearer token counts only once the authorizer verified it against the configured
/// authority (a real OpenID metadata + JWKS endpoint on loopback HTTPS); then its client must be the request's
/// and its cnf the handshake certificate's.
/// </summary>
public sealed class AccessTokenTests(LocalRunFixture local) : IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;
    private string _client = null!;
    private string _x5t = null!;

    private TokenAuthority Authority => local.Tokens;

    public async ValueTask InitializeAsync()
    {
        _certificate = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"tokens-{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        _client = NewClient();
        _x5t = CertificateThumbprints.Of(_certificate).X5tS256;
        await local.RegisterAsync(_client, _certificate);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<(HttpStatusCode Status, string? Code)> AskAsync(string? authorization, string? clientId = "", string api = "accounts")
    {
        using var http = local.Authorizer(_certificate);
        var request = Ask(clientId == "" ? _client : clientId, api);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await SendAsync(http, request);
    }

    [Fact]
    public async Task Token_signed_by_the_authority_with_rsa_or_ec_bound_to_the_certificate_and_client_is_allowed()
    {
        Assert.Equal(HttpStatusCode.OK, (await AskAsync("Bearer " + Authority.Sign(_client, _x5t))).Status);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync("Bearer " + Authority.Sign(_client, _x5t, TokenAuthority.EcKey))).Status);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync("Bearer " + Authority.Sign(_client, _x5t, clientClaim: "azp"))).Status);
    }

    [Fact]
    public async Task Unsigned_token_alg_none_with_a_matching_cnf_is_token_invalid()
    {
        var none = Authority.Unsigned(_client, _x5t);
        var stripped = Authority.Sign(_client, _x5t);
        stripped = stripped[..(stripped.LastIndexOf('.') + 1)];

        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await AskAsync("Bearer " + none));
        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await AskAsync("Bearer " + stripped));
    }

    public static TheoryData<string> Unverifiable => ["expired", "wrong-issuer", "wrong-audience", "unknown-key", "hmac-with-a-guessable-secret", "tampered-payload", "not-a-jwt", "basic-scheme", "empty-bearer"];

    [Theory]
    [MemberData(nameof(Unverifiable))]
    public async Task Token_that_cannot_be_verified_is_token_invalid(string kind)
    {
        var good = Authority.Sign(_client, _x5t);
        var parts = good.Split('.');
        var authorization = kind switch
        {
            "expired" => "Bearer " + Authority.Sign(_client, _x5t, expiresIn: TimeSpan.FromMinutes(-5)),
            "wrong-issuer" => "Bearer " + Authority.Sign(_client, _x5t, issuer: "https://attacker.example/tenant"),
            "wrong-audience" => "Bearer " + Authority.Sign(_client, _x5t, audience: "api://someone-else"),
            "unknown-key" => "Bearer " + Authority.Sign(_client, _x5t, TokenAuthority.RogueKey),
            "hmac-with-a-guessable-secret" => "Bearer " + Authority.Sign(_client, _x5t, new SymmetricSecurityKey(new byte[32]) { KeyId = "rsa-1" }, SecurityAlgorithms.HmacSha256),
            "tampered-payload" => "Bearer " + parts[0] + "." + Base64UrlEncoder.Encode(Base64UrlEncoder.DecodeBytes(parts[1]).Concat(" "u8.ToArray()).ToArray()) + "." + parts[2],
            "not-a-jwt" => "Bearer not.a-jwt",
            "basic-scheme" => "Basic " + Convert.ToBase64String("a:b"u8),
            "empty-bearer" => "Bearer   ",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await AskAsync(authorization));
    }

    [Fact]
    public async Task Verified_token_issued_to_another_client_than_the_request_names_is_client_id_mismatch()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await AskAsync("Bearer " + Authority.Sign(NewClient(), _x5t)));
    }

    [Fact]
    public async Task Verified_token_names_the_client_when_the_request_does_not_and_must_name_one()
    {
        Assert.Equal(HttpStatusCode.OK, (await AskAsync("Bearer " + Authority.Sign(_client, _x5t), clientId: null)).Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await AskAsync("Bearer " + Authority.Sign(null, _x5t)));
    }

    [Fact]
    public async Task Verified_token_bound_to_another_certificate_or_to_none_is_token_binding_mismatch()
    {
        var other = CertificateThumbprints.Of(local.Catalogue.QwacAi).X5tS256;
        Assert.Equal((HttpStatusCode.Forbidden, "TOKEN_BINDING_MISMATCH"), await AskAsync("Bearer " + Authority.Sign(_client, other)));
        Assert.Equal((HttpStatusCode.Forbidden, "TOKEN_BINDING_MISMATCH"), await AskAsync("Bearer " + Authority.Sign(_client, null)));
    }

    [Fact]
    public async Task Warm_token_is_not_verified_again_against_the_authority()
    {
        var token = "Bearer " + Authority.Sign(_client, _x5t, TokenAuthority.EcKey);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(token)).Status);
        var requests = Authority.Requests;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(token)).Status);
        }

        Assert.Equal(requests, Authority.Requests);
    }

    [Fact]
    public async Task Unreachable_authority_is_service_unavailable_never_an_allow()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?>
        {
            ["Authorizer:Tokens:Authority"] = "https://127.0.0.1:1/tenant",
            ["Authorizer:Tokens:Audiences:0"] = TokenAuthority.Audience,
        });
        using (var admin = LocalRunFixture.AdminOf(isolated.Run))
        using (var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "api/bindings", new { clientId = _client, certificate = PkiExport.CertificatePem(_certificate) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var http = LocalRunFixture.AuthorizerOf(isolated.Run, _certificate);
        var request = Ask(_client, "accounts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Authority.Sign(_client, _x5t));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), await SendAsync(http, request));
    }

    [Fact]
    public async Task Without_a_configured_authority_every_token_is_token_invalid()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync();
        using (var admin = LocalRunFixture.AdminOf(isolated.Run))
        using (var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "api/bindings", new { clientId = _client, certificate = PkiExport.CertificatePem(_certificate) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var http = LocalRunFixture.AuthorizerOf(isolated.Run, _certificate);
        var request = Ask(_client, "accounts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Authority.Sign(_client, _x5t));

        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await SendAsync(http, request));
    }
}
