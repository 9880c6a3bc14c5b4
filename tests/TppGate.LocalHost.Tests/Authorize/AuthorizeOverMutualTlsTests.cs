using TppGate.Testing.Waiting;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Answers;

namespace TppGate.LocalHost.Tests.Authorize;

/// <summary>The authorizer as a TPP meets it: real TLS with a required client certificate, real storage.</summary>
public sealed class AuthorizeOverMutualTlsTests(LocalRunFixture local)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CertificateCatalogue Catalogue => local.Catalogue;

    private static string NewClient() => "client-" + Guid.NewGuid().ToString("N")[..12];

    private static HttpRequestMessage Authorize(string? clientId, string? api = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize");
        if (clientId is not null)
        {
            request.Headers.Add("X-Client-Id", clientId);
        }

        // Every call names its API; the token endpoint's accepts any PSD2 role.
        request.Headers.Add("X-Tpp-Api", api ?? "token");

        return request;
    }

    [Fact]
    public async Task Registered_certificate_with_its_client_id_is_allowed_with_the_tpp_claims()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("allowed.tpp.example", Core.Eidas.Psd2Role.AccountInformation, Core.Eidas.Psd2Role.PaymentInitiation));
        var client = NewClient();
        await local.RegisterAsync(client, certificate);

        using var http = local.Authorizer(certificate);
        using var response = await http.SendAsync(Authorize(client, "accounts"), Ct);
        var (status, _, body) = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("allow", body.GetProperty("decision").GetString());
        Assert.Equal(client, body.GetProperty("clientId").GetString());
        var x5t = CertificateThumbprints.Of(certificate).X5tS256;
        Assert.Equal(x5t, body.GetProperty("thumbprint").GetString());
        Assert.Equal(["PSP_AI", "PSP_PI"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(client, response.Headers.GetValues("X-Tpp-Client-Id").Single());
        Assert.Equal(x5t, response.Headers.GetValues("X-Tpp-Cert-Thumbprint").Single());
        Assert.Equal("PSP_AI,PSP_PI", response.Headers.GetValues("X-Tpp-Roles").Single());
        Assert.Equal("PSDGB-FCA-123456", response.Headers.GetValues("X-Tpp-Organization-Id").Single());
    }

    [Fact]
    public async Task Certificate_sent_with_another_client_id_is_not_bound()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("a.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        await local.RegisterAsync(NewClient(), certificate);

        using var http = local.Authorizer(certificate);
        using var response = await http.SendAsync(Authorize(NewClient()), Ct);
        var (status, code, body) = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("CERTIFICATE_NOT_BOUND", code);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("a.tpp.example", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_certificate_is_not_bound()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("unknown.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        using var http = local.Authorizer(certificate);
        using var response = await http.SendAsync(Authorize(NewClient()), Ct);
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), Pick(await ReadAsync(response)));
    }

    [Fact]
    public async Task Request_without_a_client_id_is_refused()
    {
        using var http = local.Authorizer(Catalogue.QwacAi);
        using var response = await http.SendAsync(Authorize(null), Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISSING"), Pick(await ReadAsync(response)));
    }

    [Theory]
    [InlineData(CatalogueCertificate.Expired, HttpStatusCode.Unauthorized, "CERTIFICATE_EXPIRED")]
    [InlineData(CatalogueCertificate.NotYetValid, HttpStatusCode.Unauthorized, "CERTIFICATE_EXPIRED")]
    [InlineData(CatalogueCertificate.FromUntrustedRoot, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.ServerAuthOnly, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.QSealC, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoQcStatements, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoPsd2Statement, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.EmptyRoles, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.IssuedByAttackerIntermediate, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.UnknownCriticalExtension, HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID")]
    public async Task Certificate_that_cannot_be_trusted_is_denied_before_any_binding_check(CatalogueCertificate name, HttpStatusCode expectedStatus, string expectedCode)
    {
        using var http = local.Authorizer(Catalogue[name]);
        using var response = await http.SendAsync(Authorize(NewClient()), Ct);
        Assert.Equal((expectedStatus, expectedCode), Pick(await ReadAsync(response)));
    }

    [Fact]
    public async Task Api_needing_a_role_the_certificate_lacks_is_role_invalid()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("ai-only.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var http = local.Authorizer(certificate);

        using var payments = await http.SendAsync(Authorize(client, "payments"), Ct);
        using var unknownApi = await http.SendAsync(Authorize(client, "no-such-api"), Ct);
        using var accounts = await http.SendAsync(Authorize(client, "accounts"), Ct);

        Assert.Equal((HttpStatusCode.Forbidden, "ROLE_INVALID"), Pick(await ReadAsync(payments)));
        Assert.Equal((HttpStatusCode.Forbidden, "ROLE_INVALID"), Pick(await ReadAsync(unknownApi)));
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
    }

    [Fact]
    public async Task Access_token_bound_to_another_certificate_is_a_token_binding_mismatch()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("token.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var http = local.Authorizer(certificate);

        using var foreign = Authorize(client);
        foreign.Headers.Authorization = new AuthenticationHeaderValue("Bearer", local.Tokens.Sign(client, CertificateThumbprints.Of(Catalogue[CatalogueCertificate.QwacPi]).X5tS256));
        using var own = Authorize(client);
        own.Headers.Authorization = new AuthenticationHeaderValue("Bearer", local.Tokens.Sign(client, CertificateThumbprints.Of(certificate).X5tS256));
        using var unbound = Authorize(client);
        unbound.Headers.Authorization = new AuthenticationHeaderValue("Bearer", local.Tokens.Sign(client, null));

        Assert.Equal((HttpStatusCode.Forbidden, "TOKEN_BINDING_MISMATCH"), Pick(await ReadAsync(await http.SendAsync(foreign, Ct))));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(own, Ct)).StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "TOKEN_BINDING_MISMATCH"), Pick(await ReadAsync(await http.SendAsync(unbound, Ct))));
    }

    [Fact]
    public async Task Forged_x_arr_clientcert_header_is_replaced_by_the_handshake_certificate()
    {
        var registered = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("victim.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, registered);
        var attacker = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("attacker.tpp.example", Core.Eidas.Psd2Role.AccountInformation));

        using var http = local.Authorizer(attacker);
        using var request = Authorize(client);
        request.Headers.Add("X-ARR-ClientCert", PkiExport.Base64Der(registered));
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), Pick(await ReadAsync(response)));
    }

    [Fact]
    public async Task Client_cert_header_from_a_caller_that_is_not_a_trusted_forwarder_is_refused()
    {
        var registered = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("victim2.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, registered);

        using var http = local.Authorizer(Catalogue[CatalogueCertificate.QwacPi]);
        using var request = Authorize(client);
        request.Headers.TryAddWithoutValidation("Client-Cert", PkiExport.Rfc9440(registered));
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal((HttpStatusCode.Unauthorized, "FORWARDER_UNTRUSTED"), Pick(await ReadAsync(response)));
    }

    [Fact]
    public async Task Trusted_forwarder_may_pass_the_tpp_certificate_in_client_cert()
    {
        var tpp = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("via-apim.tpp.example", Core.Eidas.Psd2Role.PaymentInitiation));
        var client = NewClient();
        await local.RegisterAsync(client, tpp);

        using var apim = local.Authorizer(Catalogue[LocalRunFixture.ForwarderCertificate]);
        using var request = Authorize(client, "payments");
        request.Headers.TryAddWithoutValidation("Client-Cert", PkiExport.Rfc9440(tpp));
        using var response = await apim.SendAsync(request, Ct);
        using var withoutTppCertificate = await apim.SendAsync(Authorize(client), Ct);

        var (status, _, body) = await ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CertificateThumbprints.Of(tpp).X5tS256, body.GetProperty("thumbprint").GetString());
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_MISSING"), Pick(await ReadAsync(withoutTppCertificate)));
    }

    [Fact]
    public async Task Revoked_binding_is_blocked_within_five_seconds_and_stays_blocked()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("revoke.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var http = local.Authorizer(certificate);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Authorize(client), Ct)).StatusCode);

        using var admin = local.Admin();
        using var revoke = await admin.PostAsync(
            $"api/bindings/{client}/{CertificateThumbprints.Of(certificate).X5tS256}/revoke",
            new StringContent("""{"reason":"compromised key"}""", Encoding.UTF8, "application/json"),
            Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var blocked = await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () =>
            Pick(await ReadAsync(await http.SendAsync(Authorize(client), Ct))) == (HttpStatusCode.Forbidden, "CERTIFICATE_BLOCKED"));
        Assert.True(blocked);
    }

    [Fact]
    public async Task Get_with_client_id_in_the_query_works_for_forward_auth_proxies()
    {
        var certificate = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("get.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var http = local.Authorizer(certificate);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/authorize?client_id={Uri.EscapeDataString(client)}") { Headers = { { "X-Tpp-Api", "accounts" } } };
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static (HttpStatusCode, string?) Pick((HttpStatusCode Status, string? Code, JsonElement Body) answer) => (answer.Status, answer.Code);
}
